// Loaded as <script type="module">: a browser that runs it supports what GOV.UK Frontend needs, which
// is the check the GOV.UK template makes with an inline script. We may not use inline scripts (CSP).
import { initAll } from "../govuk-frontend/govuk-frontend.min.js";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();

// htmx inserts markup after the page has loaded, and components in it (error summary, radios, banners)
// need starting too. Searching from the parent also finds a swapped element that is itself a component;
// components that are already running raise InitError, which is expected and not worth logging.
document.addEventListener("htmx:load", (event) => {
  const scope = event.target.parentElement;
  if (event.target === document.body || scope === null) {
    return;
  }
  initAll({
    scope,
    onError(error) {
      if (error.name !== "InitError") {
        console.error(error);
      }
    },
  });
});
