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

// --- Nothing typed is lost ----------------------------------------------------------------------------

// A request htmx could not complete (the server failed, or the connection did) swaps nothing, so what was
// typed stays in the form; say so beside the form, where the person is looking, and what to do.
function requestFailed(element, status) {
  const form = element.closest("form") || element;
  let box = document.getElementById("app-request-error");
  if (box === null) {
    box = document.createElement("div");
    box.id = "app-request-error";
    box.className = "govuk-error-summary";
    box.setAttribute("role", "alert");
    box.tabIndex = -1;
    const title = document.createElement("h2");
    title.className = "govuk-error-summary__title";
    title.textContent = "Your changes have not been saved";
    const body = document.createElement("div");
    body.className = "govuk-error-summary__body";
    const text = document.createElement("p");
    text.className = "govuk-body";
    body.append(text);
    box.append(title, body);
  }
  const why =
    status === 0
      ? "The connection to the service was lost."
      : status === 403
        ? "The form had expired. Reload the page; copy your text first if you need it."
        : "There is a problem with the service.";
  box.querySelector("p").textContent =
    `${why} What you typed is still in the form below: try again in a minute. If it keeps happening, ` +
    "copy your text somewhere safe and tell your coordinator.";
  form.parentNode.insertBefore(box, form);
  box.focus();
}

document.addEventListener("htmx:responseError", (event) => {
  requestFailed(event.detail.elt, event.detail.xhr.status);
});
document.addEventListener("htmx:sendError", (event) => {
  requestFailed(event.detail.elt, 0);
});
document.addEventListener("htmx:afterRequest", (event) => {
  if (event.detail.successful) {
    document.getElementById("app-request-error")?.remove();
  }
});

// The idle sign-out, warned before it happens: a modal dialog offers "Stay signed in", which asks the
// server to restart the clock. If the time runs out the page stays as it is, text and all; saving then
// leads through signing in and back to the form, filled in (csp/kept.py).
const session = document.body.dataset;
const sessionSeconds = Number(session.sessionSeconds || 0);
if (sessionSeconds > 0) {
  const warnFor = Number(session.sessionWarningSeconds || 120);
  let deadline = Date.now() + sessionSeconds * 1000;
  let dialog = null;
  let ticking = null;

  const minutes = (ms) => {
    const left = Math.max(0, Math.ceil(ms / 1000));
    if (left >= 60) {
      const whole = Math.ceil(left / 60);
      return `${whole} minute${whole === 1 ? "" : "s"}`;
    }
    return `${left} second${left === 1 ? "" : "s"}`;
  };

  const build = () => {
    dialog = document.createElement("dialog");
    dialog.className = "app-timeout-dialog";
    dialog.setAttribute("aria-labelledby", "app-timeout-title");
    dialog.setAttribute("aria-describedby", "app-timeout-text");
    const title = document.createElement("h2");
    title.className = "govuk-heading-m";
    title.id = "app-timeout-title";
    const text = document.createElement("p");
    text.className = "govuk-body";
    text.id = "app-timeout-text";
    const stay = document.createElement("button");
    stay.type = "button";
    stay.className = "govuk-button govuk-!-margin-bottom-0";
    stay.dataset.module = "govuk-button";
    stay.addEventListener("click", stayAlive);
    dialog.append(title, text, stay);
    dialog.addEventListener("cancel", (event) => {
      event.preventDefault();
      stayAlive();
    });
    document.body.append(dialog);
  };

  const show = () => {
    if (dialog === null) {
      build();
    }
    const [title, text, button] = dialog.children;
    const left = deadline - Date.now();
    if (left > 0) {
      title.textContent = "You will be signed out soon";
      text.textContent =
        `You have not used the service for a while. To protect your information, you will be signed ` +
        `out in ${minutes(left)}. Anything you have not saved stays on this page.`;
      button.textContent = "Stay signed in";
    } else {
      title.textContent = "You have been signed out";
      text.textContent =
        "What you typed is still on this page. When you save it, you will be asked to sign in again, " +
        "and it will be kept.";
      button.textContent = "Close";
    }
    if (!dialog.open) {
      dialog.showModal();
    }
  };

  const hide = () => {
    if (dialog?.open) {
      dialog.close();
    }
  };

  const restart = () => {
    deadline = Date.now() + sessionSeconds * 1000;
    hide();
  };

  function stayAlive() {
    if (deadline <= Date.now()) {
      hide();
      return;
    }
    fetch(session.sessionUrl, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
      .then((response) => (response.status === 204 ? restart() : show()))
      .catch(() => show());
  }

  // Opening the dialog takes focus from the field being typed in, and that field's check (on focusout)
  // would count as activity and keep an unattended page signed in for ever: while the dialog is open,
  // the page behind it (inert to the person) sends nothing.
  document.addEventListener("htmx:beforeRequest", (event) => {
    if (dialog?.open && !dialog.contains(event.detail.elt)) {
      event.preventDefault();
    }
  });

  // Any request the page makes (htmx saves, field checks) restarts the server's clock too.
  document.addEventListener("htmx:afterRequest", (event) => {
    if (event.detail.successful) {
      restart();
    }
  });

  function tick() {
    const left = deadline - Date.now();
    if (left > 0 && left <= warnFor * 1000) {
      show();
    } else if (left <= 0) {
      // Another tab may have kept the session going: ask before saying it has ended.
      clearInterval(ticking);
      fetch(session.sessionUrl, { credentials: "same-origin" })
        .then((response) => {
          if (response.status === 204) {
            restart();
            ticking = setInterval(tick, 1000);
          } else {
            show();
          }
        })
        .catch(() => show());
    }
  }

  ticking = setInterval(tick, 1000);
}

// --- What a red or amber result needs -----------------------------------------------------------------

// A return's "why, what is being done, back on track by" questions matter only for a red or amber result.
// Without JavaScript they are always shown; with it, they show once a figure's rating beside its input
// (redrawn by htmx as the officer types) or the agency's own rating is red or amber, or once anything is
// typed in them or an error is on them, so nothing typed is ever hidden.
function showRedAmberQuestions(questions) {
  const block = questions.querySelector("[data-red-amber]");
  if (block === null) {
    return;
  }
  const rated = questions.querySelector(
    '[data-rag="red"], [data-rag="amber"], input[name$="agency_rating"][value="red"]:checked, ' +
      'input[name$="agency_rating"][value="amber"]:checked',
  );
  const typed = [...block.querySelectorAll("input, textarea")].some((input) => input.value.trim() !== "");
  const refused = block.querySelector(".govuk-form-group--error") !== null;
  block.hidden = !(rated || typed || refused);
}

function showAllRedAmberQuestions() {
  document.querySelectorAll(".app-return-questions").forEach(showRedAmberQuestions);
}

showAllRedAmberQuestions();
document.addEventListener("htmx:afterSettle", showAllRedAmberQuestions);
document.addEventListener("change", (event) => {
  const questions = event.target.closest(".app-return-questions");
  if (questions !== null) {
    showRedAmberQuestions(questions);
  }
});

// --- The agency's quarter on one page -----------------------------------------------------------------

// Tell the server which sections were typed in, so one that someone else saved meanwhile, and that was
// left alone here, takes their version instead of counting as a clash (returns/views/quarter.py).
document.querySelectorAll("[data-script-flag]").forEach((flag) => {
  flag.value = "yes";
});
document.addEventListener("input", (event) => {
  const flag = event.target.closest?.(".app-quarter-item")?.querySelector("[data-typed-flag]");
  if (flag) {
    flag.value = "yes";
  }
});
