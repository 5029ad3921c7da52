// Bundles main.ts with the SDK and openapi-fetch inlined (library mode, one ES module), as an
// app's build would; scripts/sdk-consumer.sh runs the bundle with node against the server.
export default {
  logLevel: "warn",
  build: {
    outDir: "dist-vite",
    target: "es2022",
    lib: { entry: "main.ts", formats: ["es"], fileName: "bundle" },
  },
};
