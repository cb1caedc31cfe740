/* Draws Vega-Lite charts whose spec is in a JSON data island:
   <div data-gelijk-vega="island-id"></div> <script type="application/json" id="island-id">.
   The expression interpreter replaces Vega's code generation, so the strict CSP needs no
   'unsafe-eval'; no default styles or tooltips are injected, so no inline style is needed.
   Without JavaScript the page's table shows the same figures. */
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
    }).then(function () {
      el.setAttribute("data-rendered", "true");
    }).catch(function () {
      el.setAttribute("data-rendered", "failed");
    });
  });
})();
