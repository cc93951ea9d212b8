/**
 * The script that starts Swagger UI, served as a file of its own (the page's CSP allows no inline
 * script). It reads the document's URL from the page, turns off the call to the public validator
 * (the only request Swagger UI would send elsewhere) and keeps no credential across reloads.
 */
export const REFERENCE_INIT_SCRIPT = `'use strict';
(function () {
  var container = document.getElementById('swagger-ui');
  window.ui = SwaggerUIBundle({
    url: container.dataset.documentUrl,
    domNode: container,
    validatorUrl: null,
    persistAuthorization: false,
    deepLinking: false,
    presets: [SwaggerUIBundle.presets.apis],
    layout: 'BaseLayout',
  });
})();
`;
