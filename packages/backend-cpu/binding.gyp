{
  "variables": {
    "ufb_sanitize%": "0"
  },
  "targets": [
    {
      "target_name": "ultrafastbert_cpu",
      "sources": [
        "native/addon.cc",
        "native/pool.cc",
        "native/kernels_portable.cc",
        "native/kernels_avx2.cc",
        "native/kernels_avx512.cc"
      ],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_VERSION=8", "NAPI_DISABLE_CPP_EXCEPTIONS"],
      "cflags!": ["-fno-exceptions"],
      "cflags_cc!": ["-fno-exceptions", "-std=gnu++17", "-std=gnu++20"],
      "cflags": ["-O3", "-fno-math-errno", "-Wall", "-Wno-uninitialized", "-Wno-unused-function", "-Wno-psabi"],
      "cflags_cc": ["-O3", "-std=c++17", "-fno-math-errno", "-Wall", "-Wno-uninitialized", "-Wno-unused-function", "-Wno-psabi"],
      "ldflags": ["-pthread"],
      "xcode_settings": {
        "OTHER_CPLUSPLUSFLAGS": ["-O3", "-std=c++17", "-fno-math-errno"],
        "MACOSX_DEPLOYMENT_TARGET": "11.0"
      },
      "conditions": [
        ["ufb_sanitize=='1'", {
          "cflags": ["-fsanitize=address", "-fno-omit-frame-pointer", "-O1", "-g"],
          "cflags_cc": ["-fsanitize=address", "-fno-omit-frame-pointer", "-O1", "-g"],
          "ldflags": ["-fsanitize=address"]
        }]
      ]
    }
  ]
}
