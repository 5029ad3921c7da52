// Starts Swagger UI on this server's openapi.json. A file of its own, not an inline script: the
// page's Content-Security-Policy allows scripts from this server only. Paths are relative to
// /docs, so the page also works behind a path prefix.
window.ui = SwaggerUIBundle({
  url: "openapi.json",
  dom_id: "#swagger-ui",
  presets: [SwaggerUIBundle.presets.apis],
  layout: "BaseLayout",
  deepLinking: true,
  // Operations are grouped by tag, and each operation's tag is its vendor.
  docExpansion: "list",
  displayOperationId: true,
  displayRequestDuration: true,
  filter: true,
  // The schemas are shown with the operations that use them; a global list of every vendor's
  // types would bury the grouping.
  defaultModelsExpandDepth: -1,
  // No call to the public validator (swagger.io): the page talks to this server only.
  validatorUrl: null,
});
