// The API reference page (Catalogue/Reference.cshtml): mounts Scalar (served from this origin) on
// the portal's copy of the OpenAPI document, and wires try-it. Configured from data attributes:
// the CSP forbids inline script. The page receives an access token only, never a secret (ADR 0013).
(() => {
  const config = document.getElementById('reference-config');
  if (!config || !window.Scalar) {
    return;
  }

  const referenceStatus = document.getElementById('reference-status');
  const tryItStatus = document.getElementById('try-it-status');
  const scheme = config.dataset.scheme;
  // Nothing leaves for Scalar's own services: no telemetry, fonts, proxy, agent or MCP.
  const base = {
    telemetry: false,
    withDefaultFonts: false,
    hideClientButton: true,
    showDeveloperTools: 'never',
    hideDarkModeToggle: true,
    persistAuth: false,
    documentDownloadType: 'json',
    agent: { disabled: true },
    mcp: { disabled: true },
  };
  let documentJson = null;
  let app = null;
  // The last try-it token, whichever arrives first: the document or the token. Mounting without it
  // after the token came (a slow document) made Scalar send requests with no token: PIE said 401.
  let tryIt = null;

  const mount = () => {
    if (app && typeof app.destroy === 'function') {
      app.destroy();
    }
    document.getElementById('app').replaceChildren();
    const extra = tryIt
      ? { authentication: { preferredSecurityScheme: scheme, securitySchemes: { [scheme]: { token: tryIt.accessToken } } } }
      : {};
    if (tryIt && tryIt.businessCode) {
      presetBusiness(tryIt.businessCode);
    }
    app = window.Scalar.createApiReference('#app', { ...base, content: documentJson, ...extra });
  };

  // Path parameters named businessCode start with the token's business: the only one it may call.
  const presetBusiness = (code) => {
    for (const item of Object.values(documentJson.paths || {})) {
      const lists = [item.parameters, ...['get', 'post', 'put', 'patch', 'delete'].map((m) => item[m] && item[m].parameters)];
      for (const parameter of lists.filter(Boolean).flat()) {
        if (parameter && parameter.in === 'path' && parameter.name === 'businessCode') {
          parameter.example = code;
          parameter.schema = { ...(parameter.schema || { type: 'string' }), default: code };
        }
      }
    }
  };

  fetch(config.dataset.documentUrl, { headers: { Accept: 'application/json' } })
    .then((response) => (response.ok ? response.json() : Promise.reject(response.status)))
    .then((json) => {
      documentJson = json;
      mount();
      referenceStatus.textContent = '';
    })
    .catch(() => {
      referenceStatus.textContent = 'The reference is unavailable right now: its OpenAPI document could not be fetched. Try again in a minute.';
    });

  // Either a PIE app's try-it token (Class APIs), or a personal access token the developer creates
  // here (the portal's Management API): both arrive as { accessToken, ... }.
  const form = document.getElementById('try-it-form') || document.getElementById('try-it-token-form');
  if (!form) {
    return;
  }

  // Enabled only now: a click before this script ran would post the form without it.
  form.querySelector('button[type=submit]').disabled = false;
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const forApp = form.id === 'try-it-form';
    const url = forApp ? config.dataset.tokenUrl + encodeURIComponent(form.elements.AppId.value) : form.getAttribute('action');
    tryItStatus.textContent = forApp ? 'Getting a token from PIE…' : 'Creating a personal access token…';
    try {
      const response = await fetch(url, {
        method: 'POST',
        body: new FormData(form),
        headers: { Accept: 'application/json' },
        credentials: 'same-origin',
      });
      const body = await response.json().catch(() => ({}));
      if (!response.ok) {
        tryItStatus.textContent = body.detail || body.title || `Try-it failed (${response.status}).`;
        return;
      }
      tryIt = body;
      if (documentJson) {
        mount();
      }
      const expires = new Date(body.expiresAt).toLocaleTimeString();
      if (forApp) {
        tryItStatus.textContent = `Ready: requests go to PIE as ${body.appName} for business ${body.businessCode} until ${expires}.`;
        tryItStatus.dataset.businessCode = body.businessCode;
      } else {
        const until = new Date(body.expiresAt).toLocaleString();
        tryItStatus.textContent = `Ready: requests go to this portal with your new token "${body.name}" (${body.scope}) until ${until}. Revoke it on your API tokens page when you are done.`;
      }
    } catch {
      tryItStatus.textContent = 'Try-it failed: the portal could not be reached.';
    }
  });
})();
