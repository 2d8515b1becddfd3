// Builds the addon with node-gyp against the LOCAL Node headers (never downloads them).
// Placeholder until the native sources land; the backend-cpu work replaces this file.
