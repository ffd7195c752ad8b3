/* global window */
// Starts Swagger UI on /api/docs. A file of its own (not inline) so the page passes script-src 'self'.
// No validator badge: it would load an image from validator.swagger.io.
window.addEventListener("load", function () {
  window.ui = window.SwaggerUIBundle({ url: "openapi.json", dom_id: "#swagger-ui", deepLinking: true, validatorUrl: null, tryItOutEnabled: false });
});
