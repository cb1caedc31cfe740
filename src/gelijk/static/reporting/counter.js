/* Character counter for textareas with data-gelijk-counter (the limit). The limit is also in
   the field's description, so the form works the same without this script. */
(function () {
  "use strict";
  var lang = document.documentElement.lang;
  function text(left) {
    if (lang === "en") { return left + " characters left"; }
    return "Nog " + left + " tekens";
  }
  document.querySelectorAll("textarea[data-gelijk-counter]").forEach(function (area) {
    var limit = parseInt(area.getAttribute("data-gelijk-counter"), 10);
    var out = document.createElement("p");
    out.className = "utrecht-form-field-description gelijk-counter";
    out.id = area.id + "_counter";
    out.setAttribute("aria-live", "polite");
    area.insertAdjacentElement("afterend", out);
    var timer = null;
    function update() { out.textContent = text(limit - area.value.length); }
    area.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(update, 400); // let screen readers finish typing echo first
    });
    update();
  });
})();
