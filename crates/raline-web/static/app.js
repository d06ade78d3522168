// Fills the region lists of the registration form in place. Without this script the form
// works the same through its "Tampilkan pilihan" button, one page load per list.
"use strict";

(function () {
  const blocks = document.querySelectorAll("[data-region-block]");
  if (!blocks.length || !window.fetch) {
    return;
  }
  document.documentElement.classList.add("js-regions");

  blocks.forEach(function (block) {
    const selects = Array.from(block.querySelectorAll("select[data-region-level]"));
    selects.forEach(function (select, index) {
      select.addEventListener("change", function () {
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
            return response.ok ? response.json() : { regions: [] };
          })
          .then(function (body) {
            body.regions.forEach(function (region) {
              next.add(new Option(region.name, region.code));
            });
            next.disabled = body.regions.length === 0;
          })
          .catch(function () {
            // Offline or failed: the button below still opens the list with a page load.
            document.documentElement.classList.remove("js-regions");
          });
      });
    });
  });
})();
