// Fills the region lists of the registration form in place. Without this script the form
// works the same through its "Tampilkan pilihan" button, one page load per list.
"use strict";

(function () {
  const blocks = document.querySelectorAll("[data-region-block]");
  if (!blocks.length || !window.fetch) {
    return;
  }
  const root = document.documentElement;
  root.classList.add("js-regions");

  // Falls back to the button: shown again, with the lists left as they are.
  function giveUp() {
    root.classList.remove("js-regions");
  }

  blocks.forEach(function (block) {
    const selects = Array.from(block.querySelectorAll("select[data-region-level]"));
    // Only the response to the latest choice in this block may fill a list. An older response
    // that arrives late is dropped.
    let latest = 0;
    selects.forEach(function (select, index) {
      select.addEventListener("change", function () {
        const request = ++latest;
        const below = selects.slice(index + 1);
        below.forEach(function (child) {
          child.length = 1;
          child.disabled = true;
        });
        const next = below[0];
        if (!next || !select.value) {
          return;
        }
        fetch("/api/v1/regions?parent=" + encodeURIComponent(select.value))
          .then(function (response) {
            if (!response.ok) {
              throw new Error("HTTP " + response.status);
            }
            return response.json();
          })
          .then(function (body) {
            if (request !== latest) {
              return;
            }
            body.regions.forEach(function (region) {
              next.add(new Option(region.name, region.code));
            });
            next.disabled = body.regions.length === 0;
          })
          .catch(function () {
            if (request === latest) {
              giveUp();
            }
          });
      });
    });
  });
})();
