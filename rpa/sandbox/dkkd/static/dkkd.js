// Cổng thông tin quốc gia về đăng ký doanh nghiệp (sandbox): the contribution total of page 4.
(function () {
  "use strict";
  function digits(text) {
    var s = String(text || "").replace(/\./g, "").trim();
    return /^\d+$/.test(s) ? parseInt(s, 10) : (s === "" ? 0 : NaN);
  }
  function group(n) {
    return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ".");
  }
  function updateTotal() {
    var label = document.getElementById("C_lblTongGop");
    if (!label) { return; }
    var total = 0;
    var inputs = document.querySelectorAll("input.gop-von");
    for (var i = 0; i < inputs.length; i++) { total += digits(inputs[i].value); }
    label.textContent = isNaN(total) ? "" : group(total);
  }
  document.addEventListener("DOMContentLoaded", function () {
    var inputs = document.querySelectorAll("input.gop-von");
    for (var i = 0; i < inputs.length; i++) { inputs[i].addEventListener("input", updateTotal); }
  });
})();
