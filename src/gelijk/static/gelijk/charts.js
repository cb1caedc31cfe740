/* Charts of every page: each <div data-gelijk-vega="ID"> gets the Vega-Lite spec from the JSON data
   island <script type="application/json" id="ID">. vega-embed runs with the expression
   interpreter (ast: true), so the strict CSP needs no 'unsafe-eval', and without default
   styles, tooltips or the actions menu, so no inline style is injected. The table next to
   each chart holds the same figures for readers without JavaScript or sight. */
(function () {
  "use strict";
  if (typeof vegaEmbed === "undefined" || typeof vegaInterpreter === "undefined") { return; }
  document.querySelectorAll("[data-gelijk-vega]").forEach(function (el) {
    var island = document.getElementById(el.getAttribute("data-gelijk-vega"));
    if (!island) { return; }
    var spec = JSON.parse(island.textContent);
    vegaEmbed(el, spec, {
      ast: true,
      expr: vegaInterpreter.expressionInterpreter,
      actions: false,
      renderer: "svg",
      defaultStyle: false,
      tooltip: false
    }).then(function (result) {
      var svg = el.querySelector("svg");
      if (svg && spec.description) {
        svg.setAttribute("role", "img");
        svg.setAttribute("aria-label", spec.description);
      }
      el.setAttribute("data-rendered", "true");
      return result;
    }).catch(function () {
      el.setAttribute("data-rendered", "failed");
    });
  });
})();
