// The self-test form's date: the person's own today, from this device's clock (the server only knows UTC's).
// Only a date the server filled in is changed; one the person typed, or sent back with an error, stays.
(function () {
  "use strict";
  function localDate(d) {
    return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
  }
  const today = localDate(new Date());
  document.querySelectorAll("input[data-local-today]").forEach((input) => {
    if (input.value === input.dataset.localToday) input.value = today;
    input.max = today;
    input.removeAttribute("data-local-today");
  });
})();
