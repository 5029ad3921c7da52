// CommonJS callers: require() finds every vendor's entry point and its client factory.
const vendors = { webshare: "createWebshareClient", payway: "createPaywayClient", rixl: "createRixlClient", akana: "createAkanaClient" };
for (const [vendor, factory] of Object.entries(vendors)) {
  const mod = require(`@accountd/sdk/${vendor}`);
  const client = mod[factory]({ baseUrl: "http://127.0.0.1:1" });
  if (typeof client.GET !== "function" || typeof client.POST !== "function") {
    throw new Error(`require("@accountd/sdk/${vendor}").${factory} made no client`);
  }
}
console.log("consumer (require): 4 entry points load as CommonJS");
