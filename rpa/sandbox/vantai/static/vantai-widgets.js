/* Cổng dịch vụ công – Sở Xây dựng tỉnh Quảng Ngãi: shared widgets (no framework, no CDN).
 * window.VT: el() builder, toasts, the API client (JWT in localStorage), the date picker, the
 * autocomplete and modal dialogs. vantai-form.js and vantai.js build the pages from these. */
(function () {
  "use strict";
  var TOKEN_KEY = "vantai.token";
  var TOAST_MS = 4000;

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      var value = attrs[key];
      if (value === null || value === undefined || value === false) return;
      if (key === "text") node.textContent = value;
      else if (key.slice(0, 2) === "on") node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value === true ? "" : value);
    });
    (children || []).forEach(function (child) {
      if (child === null || child === undefined) return;
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  }

  function toast(message, kind) {
    var box = el("div", { class: "toast toast-" + (kind || "error"), role: "alert", text: message });
    box.addEventListener("click", function () { box.remove(); });
    document.getElementById("toasts").appendChild(box);
    setTimeout(function () { box.remove(); }, TOAST_MS);
  }

  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function vnDate(d) { return pad(d.getDate()) + "/" + pad(d.getMonth() + 1) + "/" + d.getFullYear(); }
  function parseVnDate(text) {
    var m = /^(\d{2})\/(\d{2})\/(\d{4})$/.exec((text || "").trim());
    if (!m) return null;
    var d = new Date(+m[3], +m[2] - 1, +m[1]);
    return d.getDate() === +m[1] && d.getMonth() === +m[2] - 1 ? d : null;
  }
  function isoToVn(iso) { var p = iso.slice(0, 10).split("-"); return p[2] + "/" + p[1] + "/" + p[0]; }
  function isoToVnTime(iso) { return isoToVn(iso) + " " + iso.slice(11, 16); }

  /* ---- API: bearer token from localStorage, refreshed by every answer's X-Auth-Token ---- */
  var auth = {
    token: function () { return localStorage.getItem(TOKEN_KEY); },
    save: function (token) { localStorage.setItem(TOKEN_KEY, token); },
    clear: function () { localStorage.removeItem(TOKEN_KEY); },
    onExpired: function () {}
  };

  function ApiError(status, detail, errors) {
    this.status = status; this.detail = detail; this.errors = errors || {};
  }

  function api(method, path, body) {
    var headers = {};
    var token = auth.token();
    if (token) headers.Authorization = "Bearer " + token;
    var options = { method: method, headers: headers };
    if (body instanceof FormData) options.body = body;
    else if (body !== undefined) { headers["Content-Type"] = "application/json"; options.body = JSON.stringify(body); }
    return fetch(path, options).then(function (response) {
      var fresh = response.headers.get("X-Auth-Token");
      if (fresh) auth.save(fresh);
      var type = response.headers.get("Content-Type") || "";
      if (type.indexOf("application/json") < 0) {
        if (response.ok) return response.text();
        var detail = response.status === 503 ? "Hệ thống đang bảo trì, vui lòng quay lại sau"
          : "Lỗi kết nối tới máy chủ (" + response.status + "), vui lòng thử lại";
        throw new ApiError(response.status, detail);
      }
      return response.json().then(function (data) {
        if (response.ok) return data;
        var message = typeof data.detail === "string" ? data.detail : "Dữ liệu gửi lên không hợp lệ";
        if (response.status === 401) { auth.clear(); auth.onExpired(message); }
        throw new ApiError(response.status, message, data.errors);
      });
    }, function () {
      throw new ApiError(0, "Không kết nối được tới máy chủ, vui lòng thử lại");
    });
  }

  /* ---- date picker: a text input dd/mm/yyyy (typed digits get their slashes) and a calendar ---- */
  var MONTHS = ["Tháng 1", "Tháng 2", "Tháng 3", "Tháng 4", "Tháng 5", "Tháng 6", "Tháng 7", "Tháng 8",
    "Tháng 9", "Tháng 10", "Tháng 11", "Tháng 12"];
  var WEEKDAYS = ["T2", "T3", "T4", "T5", "T6", "T7", "CN"];

  function datePicker(input) {
    var wrap = el("div", { class: "date-wrap" });
    var toggle = el("button", { type: "button", class: "datepicker-toggle", "aria-label": "Chọn ngày", title: "Chọn ngày" });
    var popup = null, shown = null;
    input.setAttribute("inputmode", "numeric");
    input.setAttribute("autocomplete", "off");
    input.setAttribute("maxlength", "10");
    input.addEventListener("input", function () {
      var digits = input.value.replace(/\D/g, "").slice(0, 8);
      var out = digits.slice(0, 2);
      if (digits.length > 2) out += "/" + digits.slice(2, 4);
      if (digits.length > 4) out += "/" + digits.slice(4);
      if (out !== input.value) input.value = out;
      var typed = parseVnDate(out);
      if (popup && typed) { shown = new Date(typed.getFullYear(), typed.getMonth(), 1); render(); }
    });
    function close() { if (popup) { popup.remove(); popup = null; } }
    function render() {
      popup.innerHTML = "";
      var chosen = parseVnDate(input.value);
      var year = shown.getFullYear(), month = shown.getMonth();
      function nav(label, cls, years, months) {
        return el("button", { type: "button", class: cls, "aria-label": label, title: label,
          text: cls.indexOf("year") >= 0 ? (years < 0 ? "«" : "»") : (months < 0 ? "‹" : "›"),
          onclick: function () { shown = new Date(year + years, month + months, 1); render(); } });
      }
      popup.appendChild(el("div", { class: "dp-head" }, [
        nav("Năm trước", "dp-prev-year", -1, 0), nav("Tháng trước", "dp-prev", 0, -1),
        el("span", { class: "dp-title", "aria-live": "polite", text: MONTHS[month] + " " + year }),
        nav("Tháng sau", "dp-next", 0, 1), nav("Năm sau", "dp-next-year", 1, 0)
      ]));
      var grid = el("table", { class: "dp-grid", role: "grid" });
      grid.appendChild(el("tr", {}, WEEKDAYS.map(function (d) { return el("th", { text: d }); })));
      var offset = (new Date(year, month, 1).getDay() + 6) % 7;
      var days = new Date(year, month + 1, 0).getDate();
      var row = el("tr");
      for (var i = 0; i < offset; i++) row.appendChild(el("td"));
      var today = vnDate(new Date());
      for (var day = 1; day <= days; day++) {
        var date = new Date(year, month, day), text = vnDate(date);
        var cls = "dp-day" + (text === today ? " dp-today" : "") + (chosen && text === vnDate(chosen) ? " dp-selected" : "");
        row.appendChild(el("td", {}, [el("button", { type: "button", class: cls, "aria-label": text,
          "data-date": year + "-" + pad(month + 1) + "-" + pad(day), text: String(day),
          onclick: (function (value) { return function () {
            input.value = value; close(); input.dispatchEvent(new Event("change", { bubbles: true })); input.focus();
          }; })(text) })]));
        if (row.children.length === 7) { grid.appendChild(row); row = el("tr"); }
      }
      if (row.children.length) grid.appendChild(row);
      popup.appendChild(grid);
    }
    function open() {
      if (popup) return;
      var chosen = parseVnDate(input.value) || new Date();
      shown = new Date(chosen.getFullYear(), chosen.getMonth(), 1);
      popup = el("div", { class: "datepicker", role: "dialog", "aria-label": "Chọn ngày" });
      popup.addEventListener("mousedown", function (e) { e.preventDefault(); });
      wrap.appendChild(popup);
      render();
    }
    toggle.addEventListener("click", function () { if (popup) close(); else open(); });
    input.addEventListener("focus", open);
    input.addEventListener("keydown", function (e) { if (e.key === "Escape" || e.key === "Tab") close(); });
    input.addEventListener("blur", function () { setTimeout(function () { if (document.activeElement !== toggle) close(); }, 150); });
    input.parentNode.insertBefore(wrap, input);
    wrap.appendChild(input);
    wrap.appendChild(toggle);
    return input;
  }

  /* ---- autocomplete: suggestions fetched while typing (3 characters or more), a listbox below ---- */
  function autocomplete(input, fetchItems, describe, onPick) {
    var listId = input.id + "-list", timer = null, items = [], active = -1, seq = 0;
    var list = el("ul", { id: listId, class: "autocomplete-list", role: "listbox", hidden: true });
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-controls", listId);
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("autocomplete", "off");
    function close() { list.hidden = true; input.setAttribute("aria-expanded", "false"); active = -1; }
    function pick(item) { input.value = describe(item).value; close(); onPick(item); }
    function highlight(index) {
      active = index;
      Array.prototype.forEach.call(list.children, function (li, i) { li.setAttribute("aria-selected", i === index ? "true" : "false"); });
    }
    function show(found) {
      items = found; list.innerHTML = "";
      if (!found.length) list.appendChild(el("li", { class: "autocomplete-empty", text: "Không tìm thấy doanh nghiệp phù hợp" }));
      found.forEach(function (item, i) {
        var shown = describe(item);
        list.appendChild(el("li", { role: "option", id: listId + "-" + i, "data-value": shown.value, "aria-selected": "false",
          onmousedown: function (e) { e.preventDefault(); pick(item); } },
        [el("span", { class: "ac-main", text: shown.value + " – " + shown.label }), el("span", { class: "ac-sub", text: shown.detail })]));
      });
      list.hidden = false; input.setAttribute("aria-expanded", "true"); active = -1;
    }
    input.addEventListener("input", function () {
      onPick(null);
      clearTimeout(timer);
      var text = input.value.trim();
      if (text.length < 3) { close(); return; }
      timer = setTimeout(function () {
        var mine = ++seq;
        fetchItems(text).then(function (found) { if (mine === seq && document.activeElement === input) show(found); },
          function (err) { toast(err.detail); });
      }, 250);
    });
    input.addEventListener("keydown", function (e) {
      if (list.hidden) return;
      if (e.key === "ArrowDown") { e.preventDefault(); highlight(Math.min(active + 1, items.length - 1)); }
      else if (e.key === "ArrowUp") { e.preventDefault(); highlight(Math.max(active - 1, 0)); }
      else if (e.key === "Enter" && active >= 0) { e.preventDefault(); pick(items[active]); }
      else if (e.key === "Escape") close();
    });
    input.addEventListener("blur", function () { setTimeout(close, 150); });
    var wrap = el("div", { class: "autocomplete" });
    input.parentNode.insertBefore(wrap, input);
    wrap.appendChild(input);
    wrap.appendChild(list);
  }

  /* ---- modal dialogs: a backdrop, focus kept inside, Escape cancels ---- */
  function modal(id, title, body, buttons, onCancel) {
    var titleId = id + "-title";
    var box = el("div", { id: id, class: "modal", role: "dialog", "aria-modal": "true", "aria-labelledby": titleId }, [
      el("h2", { id: titleId, class: "modal-title", text: title }),
      el("div", { class: "modal-body" }, [body]),
      el("div", { class: "modal-actions" }, buttons)
    ]);
    var backdrop = el("div", { class: "modal-backdrop" }, [box]);
    backdrop.addEventListener("keydown", function (e) { if (e.key === "Escape") { e.stopPropagation(); onCancel(); } });
    document.body.appendChild(backdrop);
    document.body.classList.add("modal-open");
    var first = box.querySelector("input:not([type=hidden]):not([readonly]), select, button");
    if (first) first.focus();
    return { element: box, close: function () { backdrop.remove(); document.body.classList.remove("modal-open"); } };
  }

  window.VT = { el: el, toast: toast, api: api, auth: auth, ApiError: ApiError, datePicker: datePicker,
    autocomplete: autocomplete, modal: modal, vnDate: vnDate, parseVnDate: parseVnDate, isoToVn: isoToVn,
    isoToVnTime: isoToVnTime, TOAST_MS: TOAST_MS };
})();
