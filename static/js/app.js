// CT Framework: small progressive enhancements. Every page works without this file.
"use strict";

// A long multiple choice (the partners of an assessment: every jurisdiction) gets a box that
// narrows its options to those matching what is typed. Chosen options stay chosen.
(function () {
  const _ = window.gettext || ((s) => s);
  for (const select of document.querySelectorAll("select[multiple][data-filterable]")) {
    const box = document.createElement("input");
    box.type = "search";
    box.className = "option-filter";
    box.setAttribute("aria-label", _("Filter the list"));
    box.placeholder = _("Type to filter the list");
    box.setAttribute("aria-controls", select.id);
    box.addEventListener("input", () => {
      const wanted = box.value.trim().toLocaleLowerCase();
      for (const option of select.options) {
        option.hidden = Boolean(wanted) && !option.text.toLocaleLowerCase().includes(wanted);
      }
    });
    select.before(box);
  }
})();
