/* Sandbox moj-lltp portal widgets: masked dates, custom comboboxes, cascading address selects,
   residence rows, conditional sections and the confirmation modal. Plain JS, no dependencies. */
(function () {
  "use strict";

  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/đ/g, "d").replace(/Đ/g, "D").toLowerCase();
  }

  /* ---- masked dd/mm/yyyy input ---- */
  function formatDate(digits) {
    var out = digits.slice(0, 2);
    if (digits.length > 2) { out += "/" + digits.slice(2, 4); }
    if (digits.length > 4) { out += "/" + digits.slice(4, 8); }
    return out;
  }
  document.addEventListener("keydown", function (ev) {
    var el = ev.target;
    if (!el.matches || !el.matches("input[data-mask=date]")) { return; }
    if (ev.ctrlKey || ev.metaKey || ev.altKey || ev.key.length !== 1) { return; }
    if (!/[0-9]/.test(ev.key)) { ev.preventDefault(); }
  });
  document.addEventListener("input", function (ev) {
    var el = ev.target;
    if (!el.matches || !el.matches("input[data-mask=date]")) { return; }
    var digits = el.value.replace(/\D/g, "").slice(0, 8);
    var value = formatDate(digits);
    var typing = ev.inputType === "insertText";
    if (typing && (digits.length === 2 || digits.length === 4)) { value += "/"; }
    el.value = value;
  });

  /* ---- custom combobox (nationality, ethnicity) ---- */
  function initCombo(root) {
    var hidden = root.querySelector("input[type=hidden]");
    var display = root.querySelector("[role=combobox]");
    var popup = root.querySelector(".combo-popup");
    var search = root.querySelector(".combo-search");
    var options = Array.prototype.slice.call(root.querySelectorAll("[role=option]"));
    var active = -1;
    function visible() { return options.filter(function (o) { return !o.hidden; }); }
    function open() {
      popup.hidden = false; display.setAttribute("aria-expanded", "true");
      search.value = ""; filter(); search.focus();
    }
    function close() { popup.hidden = true; display.setAttribute("aria-expanded", "false"); }
    function choose(option) {
      hidden.value = option.getAttribute("data-value");
      display.querySelector(".combo-text").textContent = option.textContent;
      options.forEach(function (o) { o.setAttribute("aria-selected", o === option ? "true" : "false"); });
      close(); display.focus();
      hidden.dispatchEvent(new Event("change", { bubbles: true }));
    }
    function highlight(index) {
      var list = visible();
      options.forEach(function (o) { o.classList.remove("active"); });
      if (!list.length) { active = -1; return; }
      active = Math.max(0, Math.min(index, list.length - 1));
      list[active].classList.add("active");
      list[active].scrollIntoView({ block: "nearest" });
    }
    function filter() {
      var q = fold(search.value.trim());
      options.forEach(function (o) { o.hidden = q !== "" && fold(o.textContent).indexOf(q) === -1; });
      highlight(0);
    }
    display.addEventListener("click", function () { if (popup.hidden) { open(); } else { close(); } });
    display.addEventListener("keydown", function (ev) {
      if (ev.key === "Enter" || ev.key === " " || ev.key === "ArrowDown") { ev.preventDefault(); open(); }
    });
    search.addEventListener("input", filter);
    search.addEventListener("keydown", function (ev) {
      if (ev.key === "ArrowDown") { ev.preventDefault(); highlight(active + 1); }
      else if (ev.key === "ArrowUp") { ev.preventDefault(); highlight(active - 1); }
      else if (ev.key === "Enter") { ev.preventDefault(); var list = visible(); if (list[active]) { choose(list[active]); } }
      else if (ev.key === "Escape") { close(); display.focus(); }
    });
    options.forEach(function (o) { o.addEventListener("click", function () { choose(o); }); });
    document.addEventListener("click", function (ev) { if (!root.contains(ev.target)) { close(); } });
  }

  /* ---- cascading province -> (district) -> commune selects, filled by XHR ---- */
  function fill(select, units, placeholder) {
    select.innerHTML = "";
    var first = document.createElement("option");
    first.value = ""; first.textContent = placeholder; select.appendChild(first);
    units.forEach(function (u) {
      var opt = document.createElement("option"); opt.value = u.ma; opt.textContent = u.ten; select.appendChild(opt);
    });
  }
  function load(select, url, placeholder) {
    select.disabled = true; select.setAttribute("aria-busy", "true");
    fill(select, [], "Đang tải...");
    return fetch(url, { headers: { "X-Requested-With": "XMLHttpRequest" } })
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
      .then(function (units) { fill(select, units, placeholder); })
      .catch(function () { fill(select, [], "Lỗi tải dữ liệu, vui lòng chọn lại"); })
      .then(function () { select.disabled = false; select.removeAttribute("aria-busy"); });
  }
  var P = { province: "-- Chọn Tỉnh/Thành phố --", district: "-- Chọn Quận/Huyện --", ward: "-- Chọn Xã/Phường/Đặc khu --" };
  function initAddress(group) {
    var legacy = group.querySelector("[data-role=legacy]");
    var province = group.querySelector("[data-role=province]");
    var district = group.querySelector("[data-role=district]");
    var ward = group.querySelector("[data-role=ward]");
    var districtRow = group.querySelector(".district-row");
    legacy.addEventListener("change", function () {
      districtRow.hidden = !legacy.checked;
      group.setAttribute("data-legacy", legacy.checked ? "1" : "0");
      fill(district, [], P.district); fill(ward, [], P.ward);
      load(province, "/api/dm/tinh?cu=" + (legacy.checked ? 1 : 0), P.province);
    });
    province.addEventListener("change", function () {
      fill(district, [], P.district); fill(ward, [], P.ward);
      if (!province.value) { return; }
      if (legacy.checked) { load(district, "/api/dm/huyen?tinh=" + province.value, P.district); }
      else { load(ward, "/api/dm/xa?tinh=" + province.value, P.ward); }
    });
    district.addEventListener("change", function () {
      fill(ward, [], P.ward);
      if (district.value) { load(ward, "/api/dm/xa?tinh=" + province.value + "&huyen=" + district.value, P.ward); }
    });
  }

  /* ---- residence rows ---- */
  function renumber(table) {
    var rows = table.querySelectorAll("tbody tr.residence-row");
    Array.prototype.forEach.call(rows, function (row, i) {
      row.querySelector(".row-no").textContent = String(i + 1);
      Array.prototype.forEach.call(row.querySelectorAll("[aria-label]"), function (el) {
        el.setAttribute("aria-label", el.getAttribute("aria-label").replace(/\(dòng \d+\)/, "(dòng " + (i + 1) + ")"));
      });
    });
  }
  function initResidences(table) {
    var template = document.getElementById("residence-row-template");
    var addButton = document.querySelector("[data-add-row]");
    addButton.addEventListener("click", function () {
      var index = parseInt(table.getAttribute("data-next-index"), 10);
      table.setAttribute("data-next-index", String(index + 1));
      var holder = document.createElement("tbody");
      holder.innerHTML = template.innerHTML.replace(/98765/g, String(index));
      var row = holder.querySelector("tr");
      table.querySelector("tbody").appendChild(row);
      renumber(table);
      row.querySelector("input").focus();
    });
    table.addEventListener("click", function (ev) {
      var button = ev.target.closest("[data-remove-row]");
      if (!button) { return; }
      button.closest("tr").remove();
      renumber(table);
    });
    table.addEventListener("change", function (ev) {
      if (ev.target.getAttribute("data-part") !== "toPresent") { return; }
      var to = ev.target.closest("td").querySelector("[data-part=toDateStr]");
      to.disabled = ev.target.checked;
      if (ev.target.checked) { to.value = ""; }
    });
  }

  /* ---- sections shown by a switch (post delivery address, authorised person) ---- */
  function updateSections() {
    var post = document.querySelector("[data-switch=post]:checked");
    var auth = document.querySelector("[data-switch=auth]");
    var type = document.querySelector("[data-switch=type1]:checked");
    var on = { post: !!post && post.value === "post", auth: !!auth && auth.checked,
               type1: !type || type.value !== "2" };
    Array.prototype.forEach.call(document.querySelectorAll("[data-section]"), function (el) {
      el.hidden = !on[el.getAttribute("data-section")];
      if (el.getAttribute("data-section") === "type1") {
        /* Phiếu số 2 has no court-ban confirmation: untick and disable it so it is not sent */
        Array.prototype.forEach.call(el.querySelectorAll("input"), function (input) {
          if (el.hidden) { input.checked = false; }
          input.disabled = el.hidden;
        });
      }
    });
  }

  /* ---- "Chỉ có năm sinh": the birth date field takes a bare year, without the date mask ---- */
  function updateYearOnly(clear) {
    var box = document.querySelector("input[data-year-only]");
    var input = document.querySelector("input[data-birth]");
    if (!box || !input) { return; }
    if (box.checked) {
      input.removeAttribute("data-mask"); input.maxLength = 4; input.placeholder = "yyyy";
    } else {
      input.setAttribute("data-mask", "date"); input.maxLength = 10; input.placeholder = "dd/mm/yyyy";
    }
    if (clear) { input.value = ""; }
  }

  /* ---- confirmation modal ---- */
  function initModals() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-open-modal]"), function (button) {
      var modal = document.getElementById(button.getAttribute("data-open-modal"));
      button.addEventListener("click", function () {
        modal.hidden = false; modal.querySelector("button[type=submit]").focus();
      });
      modal.addEventListener("click", function (ev) {
        if (ev.target === modal || ev.target.closest("[data-close-modal]")) { modal.hidden = true; button.focus(); }
      });
      document.addEventListener("keydown", function (ev) { if (ev.key === "Escape") { modal.hidden = true; } });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("[data-combo]"), initCombo);
    Array.prototype.forEach.call(document.querySelectorAll("[data-address]"), initAddress);
    var table = document.querySelector("table.residences");
    if (table) { initResidences(table); }
    if (document.querySelector("[data-switch]")) {
      document.addEventListener("change", function (ev) { if (ev.target.hasAttribute("data-switch")) { updateSections(); } });
      updateSections();
    }
    updateYearOnly(false);
    document.addEventListener("change", function (ev) {
      if (ev.target.hasAttribute && ev.target.hasAttribute("data-year-only")) { updateYearOnly(true); }
    });
    initModals();
  });
})();
