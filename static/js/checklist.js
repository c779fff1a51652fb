// Checklist autosave. Each item's form saves itself a moment after the assessor stops
// typing. Without this script the forms still post normally.
//
// Never lose an edit: the fields are never overwritten by a response. A network failure
// keeps the text in the page and retries with a growing delay; a conflict (someone else
// saved first) shows both versions and lets the assessor choose.
"use strict";

(function () {
  const SAVE_DELAY_MS = 800;
  const RETRY_DELAYS_MS = [2000, 5000, 10000, 30000];
  // Django's JavaScript catalog provides gettext/interpolate; plain English without it.
  const _ = window.gettext || ((s) => s);
  const ngettext = window.ngettext || ((one, other, n) => (n === 1 ? one : other));
  // Whole sentences with named placeholders: each language orders them its own way.
  const fmt =
    window.interpolate ||
    ((s, values) => s.replace(/%\((\w+)\)s/g, (_match, name) => values[name]));
  const text = {
    unsaved: _("Unsaved changes…"),
    saving: _("Saving…"),
    saved: (time) => fmt(_("Saved %(time)s"), { time }, true),
    retry: (seconds) =>
      fmt(
        ngettext(
          "Not saved: no connection. Retrying in %(seconds)s second; your text is kept.",
          "Not saved: no connection. Retrying in %(seconds)s seconds; your text is kept.",
          seconds
        ),
        { seconds },
        true
      ),
    notSaved: (reasons) => fmt(_("Not saved: %(reasons)s"), { reasons }, true),
    conflict: _("Not saved: someone else saved this item after you opened it."),
    theirs: (current) =>
      fmt(
        _(
          "Saved now by %(user)s: %(level)s; “%(justification)s”; “%(evidence)s”; “%(location)s”; “%(recommendation)s”."
        ),
        current,
        true
      ),
    yours: _("Your version is still in the fields above."),
    loggedOut: _("Not saved: your session has ended. Log in again in another tab; your text is kept and will be saved."),
    keep: _("Keep mine (save over theirs)"),
    take: _("Take theirs"),
  };

  // "14:05", as the page's language writes a time.
  function clock(date) {
    return date.toLocaleTimeString(document.documentElement.lang || [], {
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
    });
  }

  function setStatus(form, state, message) {
    const status = form.querySelector(".save-status");
    status.textContent = message;
    form.dataset.state = state;
  }

  function updateProgress(progress) {
    const overall = document.querySelector("#progress-overall [data-scored]");
    if (overall) overall.textContent = progress.scored;
    const meter = document.getElementById("progress-meter");
    if (meter) meter.value = progress.scored;
    const section = document.querySelector(
      `[data-section-progress="${progress.section_id}"] [data-scored]`
    );
    if (section) section.textContent = progress.section_scored;
  }

  function showConflict(form, current) {
    const box = form.querySelector(".conflict");
    box.replaceChildren();
    const intro = document.createElement("p");
    const theirs = text.theirs({
      ...current,
      user: current.updated_by || "?",
      level: current.level_label || "—",
    });
    intro.textContent = `${text.conflict} ${theirs} ${text.yours}`;
    const keep = document.createElement("button");
    keep.type = "button";
    keep.textContent = text.keep;
    keep.addEventListener("click", () => {
      form.querySelector("[name=version]").value = current.version;
      box.hidden = true;
      save(form);
    });
    const take = document.createElement("button");
    take.type = "button";
    take.className = "button-secondary";
    take.textContent = text.take;
    take.addEventListener("click", () => {
      fill(form, current);
      box.hidden = true;
      setStatus(form, "saved", text.saved(clock(new Date(current.updated_at))));
    });
    box.append(intro, keep, " ", take);
    box.hidden = false;
    box.setAttribute("role", "alert");
  }

  function fill(form, score) {
    form.querySelector("[name=version]").value = score.version;
    for (const name of ["justification", "evidence", "location", "recommendation"]) {
      form.querySelector(`[name=${name}]`).value = score[name];
    }
    const radio = form.querySelector(`[name=level][value="${score.level || ""}"]`);
    if (radio) radio.checked = true;
  }

  async function save(form) {
    clearTimeout(form._timer);
    if (form._inFlight) {
      form._again = true; // save once more when the current request returns
      return;
    }
    form._inFlight = true;
    form._again = false;
    setStatus(form, "saving", text.saving);
    let response;
    try {
      response = await fetch(form.action, {
        method: "POST",
        body: new FormData(form),
        headers: { "X-Autosave": "1" },
        credentials: "same-origin",
      });
    } catch (error) {
      response = null;
    }
    form._inFlight = false;
    // An expired session answers with the log-in page: keep the text and keep retrying,
    // so the save goes through once the assessor logs in again (in another tab).
    const loggedOut = response !== null && response.redirected && /\/accounts\/login\//.test(response.url);
    if (response === null || response.status >= 500 || loggedOut) {
      const attempt = Math.min(form._attempt || 0, RETRY_DELAYS_MS.length - 1);
      form._attempt = (form._attempt || 0) + 1;
      const delay = RETRY_DELAYS_MS[attempt] / 1000;
      setStatus(form, "failed", loggedOut ? text.loggedOut : text.retry(delay));
      form._timer = setTimeout(() => save(form), RETRY_DELAYS_MS[attempt]);
      return;
    }
    form._attempt = 0;
    let body = {};
    try {
      body = await response.json();
    } catch (error) {
      setStatus(form, "failed", text.notSaved(`HTTP ${response.status}`));
      return;
    }
    if (body.status === "saved") {
      form.querySelector("[name=version]").value = body.score.version;
      form.closest(".item").classList.toggle("is-scored", Boolean(body.score.level));
      updateProgress(body.progress);
      setStatus(form, "saved", text.saved(clock(new Date())));
      if (form._again) save(form);
    } else if (body.status === "conflict") {
      setStatus(form, "conflict", text.conflict);
      showConflict(form, body.current);
    } else if (body.status === "invalid") {
      const messages = Object.values(body.errors)
        .flat()
        .map((e) => e.message || e);
      setStatus(form, "invalid", text.notSaved(messages.join(" ")));
    } else {
      setStatus(form, "locked", text.notSaved(body.message || `HTTP ${response.status}`));
    }
  }

  function schedule(form) {
    setStatus(form, "dirty", text.unsaved);
    clearTimeout(form._timer);
    form._timer = setTimeout(() => save(form), SAVE_DELAY_MS);
  }

  for (const form of document.querySelectorAll("form[data-autosave]")) {
    form.addEventListener("input", () => schedule(form));
    form.addEventListener("change", () => schedule(form));
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      save(form);
    });
  }

  // Evidence: "Use as evidence", "Not relevant" and "Unlink" post in the background and the
  // server answers with the item's saved score and its evidence panel drawn again. An item
  // with edits not yet saved is saved first: the server appends to what is saved, so the
  // assessor's own text must be there before it. If that save does not go through
  // (offline, conflict), nothing is linked and the assessor is told.
  const UNSAVED = ["dirty", "saving", "failed", "conflict", "invalid", "locked"];

  async function evidenceAction(actionForm) {
    const item = actionForm.closest(".item");
    const scoreForm = item && item.querySelector("form[data-autosave]");
    const panel = actionForm.closest("[data-evidence-panel]");
    const status = panel.querySelector(".evidence-status");
    // Typing not yet sent (or a field just left, which counts as a change) is saved first.
    if (scoreForm && scoreForm.dataset.state === "dirty") await save(scoreForm);
    if (scoreForm && UNSAVED.includes(scoreForm.dataset.state)) {
      status.textContent = _("This item's own changes are not saved yet; try again once they are.");
      return;
    }
    status.textContent = text.saving;
    const fields = () => (scoreForm ? JSON.stringify([...new FormData(scoreForm)]) : "");
    const before = fields();
    let response = null;
    try {
      response = await fetch(actionForm.action, {
        method: "POST",
        body: new FormData(actionForm),
        headers: { "X-Autosave": "1" },
        credentials: "same-origin",
      });
    } catch (error) {
      response = null;
    }
    let body = {};
    try {
      body = response ? await response.json() : {};
    } catch (error) {
      body = {};
    }
    if (body.status !== "saved") {
      status.textContent = body.message || _("Not saved: no connection. Try again.");
      return;
    }
    if (scoreForm && fields() === before) {
      fill(scoreForm, body.score);
      setStatus(scoreForm, "saved", text.saved(clock(new Date(body.score.updated_at))));
    } else if (scoreForm) {
      // The assessor typed while the link was made: their text stays in the fields, and
      // they choose between it and what is saved now, as for any conflict.
      clearTimeout(scoreForm._timer);
      setStatus(scoreForm, "conflict", text.conflict);
      showConflict(scoreForm, body.score);
    }
    updateProgress(body.progress);
    const fresh = document.createRange().createContextualFragment(body.panel).firstElementChild;
    const wasOpen = panel.querySelector("details[data-suggestions]")?.open;
    const suggestions = fresh.querySelector("details[data-suggestions]");
    if (wasOpen && suggestions) suggestions.open = true;
    panel.replaceWith(fresh);
    bindEvidence(fresh);
    fresh.querySelector(".evidence-status").textContent = body.message;
  }

  function bindEvidence(root) {
    for (const actionForm of root.querySelectorAll("form[data-evidence-action]")) {
      actionForm.addEventListener("submit", (event) => {
        event.preventDefault();
        evidenceAction(actionForm);
      });
    }
  }
  bindEvidence(document);

  // Autosave makes each item's Save button one tab stop too many; it stays for the mouse
  // and for pages without this script.
  for (const button of document.querySelectorAll("[data-save-button]")) button.tabIndex = -1;

  // "Next unscored item" (and the N key, outside a field): the first item after the one in
  // view (or focused) that has no level yet, its heading focused.
  const next = document.getElementById("next-unscored");
  function goToNextUnscored(event) {
    const items = [...document.querySelectorAll("article.item:not(.is-scored):not(.is-not-assessable)")];
    if (!items.length) return;
    event.preventDefault();
    const current = document.activeElement?.closest("article.item");
    const after = current
      ? items.find((item) => current.compareDocumentPosition(item) & Node.DOCUMENT_POSITION_FOLLOWING)
      : items.find((item) => item.getBoundingClientRect().top > 1);
    const target = after || items[0];
    const heading = target.querySelector("h3");
    history.replaceState(null, "", `#${target.id}`);
    target.scrollIntoView({ block: "start" });
    heading.focus({ preventScroll: true });
  }
  if (next) {
    next.addEventListener("click", goToNextUnscored);
    document.addEventListener("keydown", (event) => {
      const typing = event.target.closest("input, textarea, select, [contenteditable]");
      if (event.key.toLowerCase() === "n" && !typing && !event.ctrlKey && !event.metaKey && !event.altKey) {
        goToNextUnscored(event);
      }
    });
  }

  // Warn before leaving with edits that are not saved yet.
  window.addEventListener("beforeunload", (event) => {
    const pending = document.querySelector(
      UNSAVED.map((state) => `form[data-autosave][data-state="${state}"]`).join(", ")
    );
    if (pending) event.preventDefault();
  });
})();
