// The API reference, drawn by the vendored Swagger UI from this server's own /openapi.json.
window.addEventListener("DOMContentLoaded", () => {
  window.SwaggerUIBundle({ url: "/openapi.json", dom_id: "#swagger-ui" });
});
