/* The badge application form, rendered from the JSON schema of GET /api/forms/phu-hieu:
 * sections of fields, the vehicle table edited in a modal dialog, the confirmation dialog (with the
 * CAPTCHA when the portal asks for one) and the submission. window.VT.renderForm(container, schema, done). */
(function () {
  "use strict";
  var VT = window.VT, el = VT.el;
  var PLATE = /^\d{2}[A-Z]{1,2}-(\d{4}|\d{3}\.\d{2})$/;
  var draft = { values: {}, vehicles: [] };  // survives navigation inside the page, not a reload

  function lower(label) { return label.charAt(0).toLowerCase() + label.slice(1); }

  function control(field, id, value, kindOf) {
    var attrs = { id: id, name: field.name, "aria-describedby": "err-" + id };
    var node;
    if (field.type === "select") {
      node = el("select", attrs, [el("option", { value: "", text: "-- Chọn " + lower(field.label) + " --" })].concat(
        field.options.map(function (o) { return el("option", { value: o.value, text: o.label, selected: o.value === value }); })));
    } else if (field.type === "radio") {
      node = el("div", { id: id, class: "radio-group", role: "radiogroup", "aria-labelledby": id + "-label" },
        field.options.map(function (o) {
          return el("label", { class: "radio" }, [el("input", { type: "radio", name: field.name, value: o.value,
            id: id + "_" + o.value, checked: o.value === value }), " " + o.label]);
        }));
    } else if (field.type === "file") {
      // the native control's words follow the browser's language; the portal shows its own button
      var input = el("input", Object.assign(attrs, { type: "file", accept: field.accept, class: "file-input", "aria-label": field.label }));
      var name = el("span", { class: "file-name", id: id + "-name", text: "Chưa chọn tệp" });
      input.addEventListener("change", function () { name.textContent = input.files[0] ? input.files[0].name : "Chưa chọn tệp"; });
      node = el("div", { class: "file-picker" }, [input, el("label", { for: id, class: "btn btn-small file-button", text: "Chọn tệp" }), name]);
    } else {
      var type = { tel: "tel", email: "email" }[field.type] || "text";
      node = el("input", Object.assign(attrs, { type: type, value: value || "", placeholder: field.placeholder,
        readonly: field.type === "readonly", tabindex: field.type === "readonly" ? "-1" : null,
        inputmode: field.type === "number" ? "numeric" : null, class: field.type === "readonly" ? "readonly" : null }));
    }
    if (field.type === "readonly") node.setAttribute("aria-readonly", "true");
    return node;
  }

  function fieldBox(field, id, value) {
    var required = field.required ? el("span", { class: "req", "aria-hidden": "true", text: " *" }) : null;
    var label = field.type === "radio"
      ? el("span", { class: "label", id: id + "-label" }, [field.label, required])
      : el(field.type === "file" ? "span" : "label", field.type === "file" ? { class: "label" } : { for: id }, [field.label, required]);
    var input = control(field, id, value);
    var box = el("div", { class: "field field-" + field.type, "data-field": field.name }, [label, input,
      el("div", { class: "field-error", id: "err-" + id, "aria-live": "polite" })]);
    if (field.type === "date") VT.datePicker(input);
    return box;
  }

  function setError(id, message) {
    var box = document.getElementById("err-" + id);
    if (box) box.textContent = message || "";
    var input = document.getElementById(id);
    if (input) input.classList.toggle("invalid", !!message);
  }

  function clearErrors(scope) {
    scope.querySelectorAll(".field-error, .row-error").forEach(function (n) { n.textContent = ""; });
    scope.querySelectorAll(".invalid").forEach(function (n) { n.classList.remove("invalid"); });
  }

  function radioValue(scope, name) {
    var checked = scope.querySelector("input[name='" + name + "']:checked");
    return checked ? checked.value : "";
  }

  function shown(field, own, form) {
    if (!field.when) return true;
    var value = own(field.when.field);
    if (value === undefined) value = form[field.when.field] || "";
    return field.when.in.indexOf(value) >= 0;
  }

  /* ---- the vehicle dialog ---- */
  function vehicleDialog(section, index, refresh) {
    var existing = index === null ? { values: {}, files: {} } : draft.vehicles[index];
    var kind = draft.values.loai_phu_hieu;
    var body = el("div", { class: "grid two" });
    section.fields.forEach(function (field) {
      var box = fieldBox(field, "phuong_tien_" + field.name, existing.values[field.name]);
      if (field.type === "file" && existing.files[field.name]) {
        box.insertBefore(el("div", { class: "file-current", text: "Tệp đã chọn: " + existing.files[field.name].name }), box.lastChild);
      }
      body.appendChild(box);
    });
    function own(name) {
      var field = section.fields.filter(function (f) { return f.name === name; })[0];
      if (!field) return undefined;
      return field.type === "radio" ? radioValue(body, name) : body.querySelector("[name='" + name + "']").value;
    }
    function toggle() {
      section.fields.forEach(function (field) {
        body.querySelector("[data-field='" + field.name + "']").hidden = !shown(field, own, { loai_phu_hieu: kind });
      });
    }
    body.addEventListener("change", toggle);
    var dialog;
    function save() {
      clearErrors(body);
      var values = {}, files = Object.assign({}, existing.files), ok = true;
      section.fields.forEach(function (field) {
        var id = "phuong_tien_" + field.name;
        if (!shown(field, own, { loai_phu_hieu: kind })) return;
        if (field.type === "file") {
          var picked = document.getElementById(id).files[0];
          if (picked) files[field.name] = picked;
          if (!files[field.name]) { setError(id, "Vui lòng đính kèm " + lower(field.label)); ok = false; }
          return;
        }
        var value = (own(field.name) || "").trim();
        if (field.name === "bien_so" || field.name === "so_dang_ky_xe" || field.name === "nhan_hieu") value = (field.name === "nhan_hieu" ? value.replace(/\s+/g, " ") : value.replace(/\s+/g, "")).toUpperCase();
        values[field.name] = value;
        if (!value) { setError(id, (field.type === "radio" ? "Vui lòng chọn " : "Vui lòng nhập ") + lower(field.label)); ok = false; }
        else if (field.name === "bien_so" && !PLATE.test(value)) { setError(id, "Biển kiểm soát không đúng định dạng (ví dụ 76A-123.45)"); ok = false; }
        else if (field.type === "number" && (!/^\d+$/.test(value) || +value < field.min || +value > field.max)) {
          setError(id, field.label + " phải là số từ " + field.min + " đến " + field.max); ok = false;
        } else if (field.type === "date" && !VT.parseVnDate(value)) { setError(id, field.label + " không đúng định dạng dd/mm/yyyy"); ok = false; }
      });
      if (!ok) return;
      var twice = draft.vehicles.some(function (v, i) { return i !== index && v.values.bien_so === values.bien_so; });
      if (twice) { VT.toast("Biển kiểm soát " + values.bien_so + " đã có trong danh sách phương tiện"); return; }
      if (values.so_huu !== "thue") { delete files.hop_dong_thue; }
      if (index === null) draft.vehicles.push({ values: values, files: files });
      else draft.vehicles[index] = { values: values, files: files };
      dialog.close();
      refresh();
      VT.toast((index === null ? "Đã thêm" : "Đã cập nhật") + " phương tiện " + values.bien_so, "success");
    }
    dialog = VT.modal("vehicle-dialog", section.dialog_title, body, [
      el("button", { type: "button", id: "save-vehicle", class: "btn btn-primary", text: "Lưu phương tiện", onclick: save }),
      el("button", { type: "button", id: "cancel-vehicle", class: "btn", text: "Hủy", onclick: function () { dialog.close(); } })
    ], function () { dialog.close(); });
    toggle();
  }

  function vehicleTable(section) {
    var labels = {};
    section.fields.forEach(function (f) { labels[f.name] = f; });
    var tbody = el("tbody");
    var table = el("table", { id: "vehicle-table", class: "table" }, [el("thead", {}, [el("tr", {}, [
      el("th", { text: "STT" }), el("th", { text: "Biển kiểm soát" }), el("th", { text: "Nhãn hiệu" }),
      el("th", { text: "Số chỗ / Tải trọng (kg)" }), el("th", { text: "Năm sản xuất" }),
      el("th", { text: "Hình thức sở hữu" }), el("th", { text: "Thao tác" })])]), tbody]);
    function refresh() {
      tbody.innerHTML = "";
      if (!draft.vehicles.length) tbody.appendChild(el("tr", { class: "empty" }, [el("td", { colspan: "7", text: "Chưa có phương tiện nào" })]));
      draft.vehicles.forEach(function (v, i) {
        var own = labels.so_huu.options.filter(function (o) { return o.value === v.values.so_huu; })[0];
        tbody.appendChild(el("tr", { "data-plate": v.values.bien_so }, [
          el("td", { text: String(i + 1) }), el("td", { "data-field": "bien_so", text: v.values.bien_so }),
          el("td", { "data-field": "nhan_hieu", text: v.values.nhan_hieu }),
          el("td", { text: v.values.so_cho || v.values.trong_tai_kg || "" }),
          el("td", { "data-field": "nam_san_xuat", text: v.values.nam_san_xuat }),
          el("td", { "data-field": "so_huu", text: own ? own.label : "" }),
          el("td", { class: "actions" }, [
            el("button", { type: "button", class: "btn btn-small edit-vehicle", text: "Sửa", "aria-label": "Sửa phương tiện " + v.values.bien_so,
              onclick: function () { vehicleDialog(section, i, refresh); } }),
            el("button", { type: "button", class: "btn btn-small btn-danger remove-vehicle", text: "Xóa", "aria-label": "Xóa phương tiện " + v.values.bien_so,
              onclick: function () { draft.vehicles.splice(i, 1); refresh(); } }),
            el("div", { class: "row-error", id: "err-phuong_tien-" + i })])
        ]));
      });
    }
    refresh();
    var add = el("button", { type: "button", id: "add-vehicle", class: "btn btn-primary", text: "+ " + section.add_label,
      onclick: function () {
        if (!draft.values.loai_phu_hieu) { VT.toast("Vui lòng chọn loại phù hiệu trước khi thêm phương tiện"); return; }
        vehicleDialog(section, null, refresh);
      } });
    return el("div", { class: "vehicles" }, [add, table, el("div", { class: "field-error", id: "err-phuong_tien", "aria-live": "polite" })]);
  }

  /* ---- submission ---- */
  function payload(captcha) {
    var body = new FormData();
    var values = Object.assign({}, draft.values, { phuong_tien: draft.vehicles.map(function (v) { return v.values; }) });
    body.append("ho_so", JSON.stringify(values));
    draft.vehicles.forEach(function (v, i) {
      Object.keys(v.files).forEach(function (name) { body.append("phuong_tien." + i + "." + name, v.files[name], v.files[name].name); });
    });
    body.append("captcha_id", captcha.id || "");
    body.append("captcha", captcha.answer || "");
    return body;
  }

  function showServerErrors(errors, schema) {
    Object.keys(errors).forEach(function (key) {
      var parts = key.split(".");
      if (parts.length === 3) {
        var label = schema.sections[2].fields.filter(function (f) { return f.name === parts[2]; })[0];
        var box = document.getElementById("err-phuong_tien-" + parts[1]);
        if (box) box.appendChild(el("div", { text: (label ? label.label + ": " : "") + errors[key] }));
      } else setError(key, errors[key]);
    });
  }

  function confirmAndSubmit(schema, done) {
    var captcha = { id: "" };
    var area = el("div", { class: "captcha-area", hidden: true });
    var body = el("div", {}, [el("p", { text: "Bạn có chắc chắn muốn nộp hồ sơ đề nghị cấp phù hiệu cho " + draft.vehicles.length +
      " phương tiện? Sau khi nộp, hồ sơ không thể chỉnh sửa." }), area]);
    function loadCaptcha() {
      dialog.element.setAttribute("aria-busy", "true");  // asking whether a CAPTCHA is due
      return VT.api("GET", "/api/captcha").then(function (c) {
        dialog.element.removeAttribute("aria-busy");
        captcha.id = c.id || "";
        area.innerHTML = "";
        if (!c.required) { area.hidden = true; return; }
        area.hidden = false;
        area.appendChild(el("img", { id: "captcha-image", src: c.image, "data-captcha-id": c.id, alt: "Mã xác thực", width: "200", height: "64" }));
        area.appendChild(el("button", { type: "button", id: "refresh-captcha", class: "btn btn-small", text: "Đổi mã khác", onclick: loadCaptcha }));
        area.appendChild(el("div", { class: "field" }, [el("label", { for: "captcha", text: "Mã xác thực" }),
          el("input", { id: "captcha", name: "captcha", autocomplete: "off", "aria-describedby": "err-captcha" }),
          el("div", { class: "field-error", id: "err-captcha", "aria-live": "polite" })]));
      });
    }
    var ok = el("button", { type: "button", id: "confirm-submit", class: "btn btn-primary", text: "Đồng ý" });
    var dialog = VT.modal("confirm-dialog", "Xác nhận nộp hồ sơ", body, [ok,
      el("button", { type: "button", id: "cancel-submit", class: "btn", text: "Hủy", onclick: function () { dialog.close(); } })],
    function () { dialog.close(); });
    loadCaptcha().catch(function (err) { dialog.close(); VT.toast(err.detail); });
    ok.addEventListener("click", function () {
      var input = document.getElementById("captcha");
      captcha.answer = input ? input.value : "";
      ok.disabled = true;
      VT.api("POST", "/api/ho-so", payload(captcha)).then(function (record) {
        dialog.close();
        draft = { values: {}, vehicles: [] };
        done(record);
      }, function (err) {
        ok.disabled = false;
        if (err.errors && err.errors.captcha) { setError("captcha", err.errors.captcha); loadCaptcha(); return; }
        dialog.close();
        VT.toast(err.detail);
        if (err.errors) showServerErrors(err.errors, schema);
      });
    });
  }

  function renderForm(container, schema, done) {
    var form = el("form", { id: "ho-so-form", novalidate: true, autocomplete: "off" });
    var tableSection;
    schema.sections.forEach(function (section) {
      var set = el("fieldset", { class: "section", id: "section-" + section.id }, [el("legend", { text: section.title })]);
      if (section.type === "table") { tableSection = section; set.appendChild(vehicleTable(section)); }
      else {
        var grid = el("div", { class: "grid two" });
        section.fields.forEach(function (field) { grid.appendChild(fieldBox(field, field.name, draft.values[field.name])); });
        set.appendChild(grid);
      }
      form.appendChild(set);
    });
    var hint = el("div", { id: "so_giay_phep-hint", class: "hint", "aria-live": "polite" });
    form.appendChild(el("div", { class: "form-actions" }, [
      el("button", { type: "submit", id: "submit-button", class: "btn btn-primary btn-large", text: "Nộp hồ sơ" })]));
    form.addEventListener("input", function (e) { if (e.target.name && !e.target.closest(".modal")) draft.values[e.target.name] = e.target.value; });
    form.addEventListener("change", function (e) { if (e.target.name && !e.target.closest(".modal")) draft.values[e.target.name] = e.target.value; });
    container.appendChild(form);
    var licence = document.getElementById("so_giay_phep");
    licence.parentNode.appendChild(hint);
    var fills = schema.sections[0].fields[0].fills;
    VT.autocomplete(licence, function (text) {
      return VT.api("GET", "/api/doanh-nghiep?so_giay_phep=" + encodeURIComponent(text));
    }, function (b) {
      return { value: b.so_giay_phep, label: b.ten, detail: "MST " + b.ma_so_thue + " · hiệu lực đến " + VT.isoToVn(b.het_han) };
    }, function (b) {
      Object.keys(fills).forEach(function (name) {
        var value = b ? b[fills[name]] : "";
        document.getElementById(name).value = value;
        draft.values[name] = value;
      });
      draft.values.so_giay_phep = licence.value;
      hint.textContent = b ? "Giấy phép hiệu lực đến " + VT.isoToVn(b.het_han) : "";
      hint.classList.toggle("hint-expired", !!b && new Date(b.het_han) < new Date());
      if (b && new Date(b.het_han) < new Date()) hint.textContent = "Giấy phép đã hết hạn ngày " + VT.isoToVn(b.het_han);
    });
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      clearErrors(form);
      var ok = true;
      schema.sections.forEach(function (section) {
        if (section.type === "table") return;
        section.fields.forEach(function (field) {
          var value = (document.getElementById(field.name).value || "").trim();
          if (field.required && field.type !== "readonly" && !value) {
            setError(field.name, (field.type === "select" ? "Vui lòng chọn " : "Vui lòng nhập ") + lower(field.label)); ok = false;
          } else if (field.type === "date" && value && !VT.parseVnDate(value)) {
            setError(field.name, field.label + " không đúng định dạng dd/mm/yyyy"); ok = false;
          }
        });
      });
      if (!draft.vehicles.length) { setError("phuong_tien", "Hồ sơ phải có ít nhất một phương tiện"); ok = false; }
      if (!ok) { VT.toast("Hồ sơ chưa hợp lệ, vui lòng kiểm tra lại các trường được đánh dấu"); return; }
      confirmAndSubmit(schema, done);
    });
    return tableSection;
  }

  VT.renderForm = renderForm;
})();
