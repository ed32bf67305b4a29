/* Cổng dịch vụ công – Sở Xây dựng tỉnh Quảng Ngãi: the page. Routes are handled here with the History
 * API (pushState; links carry data-link), each view rendered into main#view from the JSON API. */
(function () {
  "use strict";
  var VT = window.VT, el = VT.el;
  var app = document.getElementById("app");
  var observer = null;

  function navigate(path, state, replace) {
    history[replace ? "replaceState" : "pushState"](state || {}, "", path);
    route();
  }
  VT.navigate = navigate;

  VT.auth.onExpired = function (message) {
    var here = location.pathname + location.search;
    navigate("/dang-nhap" + (here.indexOf("/dang-nhap") === 0 ? "" : "?next=" + encodeURIComponent(here)), {}, true);
    if (message) VT.toast(message);
  };

  document.addEventListener("click", function (e) {
    var link = e.target.closest("a[data-link]");
    if (!link || e.ctrlKey || e.metaKey || e.shiftKey) return;
    e.preventDefault();
    navigate(link.getAttribute("href"));
  });
  window.addEventListener("popstate", route);

  function header(user) {
    var links = [["/ho-so/moi", "Nộp hồ sơ"], ["/ho-so", "Hồ sơ của tôi"], ["/tra-cuu", "Tra cứu hồ sơ"]];
    return el("header", { class: "portal-header" }, [
      el("div", { class: "brand" }, [el("img", { src: "/static/logo.svg", alt: "", width: "48", height: "48" }),
        el("div", {}, [el("div", { class: "brand-top", text: "CỔNG DỊCH VỤ CÔNG" }),
          el("div", { class: "brand-name", text: "SỞ XÂY DỰNG TỈNH QUẢNG NGÃI" })])]),
      user ? el("nav", { id: "menu", "aria-label": "Chức năng" }, links.map(function (l) {
        var current = location.pathname === l[0];
        return el("a", { href: l[0], "data-link": true, class: current ? "active" : null, "aria-current": current ? "page" : null, text: l[1] });
      }).concat([el("span", { id: "user-name", text: user.display_name }),
        el("button", { type: "button", id: "logout", class: "btn btn-small", text: "Đăng xuất", onclick: function () {
          VT.auth.clear(); navigate("/dang-nhap"); } })])) : null
    ]);
  }

  function frame(view, user, children) {
    if (observer) { observer.disconnect(); observer = null; }
    app.innerHTML = "";
    document.body.setAttribute("data-route", view);
    var main = el("main", { id: "view", "data-view": view }, children);
    app.appendChild(header(user));
    app.appendChild(main);
    app.appendChild(el("footer", { class: "portal-footer" }, [
      el("div", { text: "Cơ quan chủ quản: Sở Xây dựng tỉnh Quảng Ngãi" }),
      el("div", { text: "Địa chỉ: Số 52 Hùng Vương, Phường Cẩm Thành, tỉnh Quảng Ngãi · Điện thoại: 0255 3822 590" })]));
    return main;
  }

  function loading(view) {
    app.setAttribute("aria-busy", "true");
    return frame(view, null, [el("p", { class: "loading", text: "Đang tải dữ liệu..." })]);
  }

  function failed(err) {
    app.removeAttribute("aria-busy");
    if (err && err.status === 401) return;  // already on the login screen
    var message = err && err.detail ? err.detail : String(err);
    var view = document.getElementById("view");
    if (view && view.querySelector(".loading")) view.innerHTML = "<p class='alert' id='view-error'></p>";
    if (view && view.querySelector("#view-error")) view.querySelector("#view-error").textContent = message;
    VT.toast(message);
  }

  function loginView() {
    var params = new URLSearchParams(location.search);
    var form = el("form", { id: "login-form", class: "card narrow", novalidate: true }, [
      el("h1", { text: "Đăng nhập" }),
      el("p", { class: "muted", text: "Dành cho cán bộ Bộ phận Một cửa tiếp nhận hồ sơ cấp phù hiệu" }),
      el("div", { class: "field" }, [el("label", { for: "username", text: "Tên đăng nhập" }), el("input", { id: "username", name: "username", autocomplete: "username" })]),
      el("div", { class: "field" }, [el("label", { for: "password", text: "Mật khẩu" }), el("input", { id: "password", name: "password", type: "password", autocomplete: "current-password" })]),
      el("button", { type: "submit", id: "login-button", class: "btn btn-primary btn-block", text: "Đăng nhập" })]);
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      VT.api("POST", "/api/auth/login", { username: form.username.value, password: form.password.value }).then(function (answer) {
        VT.auth.save(answer.token);
        var next = params.get("next");
        navigate(next && next.charAt(0) === "/" && next.charAt(1) !== "/" ? next : "/ho-so/moi", {}, true);
      }, function (err) { VT.toast(err.detail); });
    });
    frame("login", null, [form]);
    app.removeAttribute("aria-busy");
    document.getElementById("username").focus();
  }

  function withUser(view, render) {
    if (!VT.auth.token()) { VT.auth.onExpired(""); return; }  // never logged in: no message
    loading(view);
    VT.api("GET", "/api/auth/me").then(function (user) { return render(user); }).then(function () {
      app.removeAttribute("aria-busy");
    }, failed);
  }

  function formView(user) {
    return VT.api("GET", "/api/forms/phu-hieu").then(function (schema) {
      var main = frame("form", user, [el("h1", { text: schema.title }),
        el("p", { class: "muted", text: "Mã thủ tục " + schema.procedure_code + " · " + schema.agency + ". Các trường có dấu * là bắt buộc." })]);
      VT.renderForm(main, schema, function (record) {
        navigate("/ho-so/" + record.receipt, { submitted: true });
      });
    });
  }

  function rowsOf(items) {
    return items.map(function (a) {
      return el("tr", { "data-receipt": a.receipt }, [
        el("td", {}, [el("a", { href: "/ho-so/" + a.receipt, "data-link": true, text: a.receipt })]),
        el("td", { text: VT.isoToVnTime(a.submitted_at) }), el("td", { text: a.ten_doanh_nghiep }),
        el("td", { text: a.loai_phu_hieu_label }), el("td", { class: "num", text: String(a.so_xe) }),
        el("td", {}, [el("span", { class: "status status-" + a.status, "data-status": a.status, text: a.status_label })])]);
    });
  }

  function listTable(id) {
    return el("table", { id: id, class: "table" }, [el("thead", {}, [el("tr", {}, ["Mã hồ sơ", "Ngày nộp", "Doanh nghiệp/HTX",
      "Loại phù hiệu", "Số xe", "Trạng thái"].map(function (t) { return el("th", { text: t }); }))]), el("tbody")]);
  }

  function listView(user) {
    var table = listTable("application-list"), tbody = table.querySelector("tbody");
    var status = el("p", { id: "list-status", class: "muted", "aria-live": "polite" });
    var sentinel = el("div", { id: "list-sentinel", "aria-hidden": "true" });
    frame("list", user, [el("h1", { text: "Hồ sơ của tôi" }), table, sentinel, status]);
    var page = 0, busy = false, more = true;
    function next() {
      if (busy || !more) return Promise.resolve();
      busy = true; status.textContent = "Đang tải thêm hồ sơ...";
      return VT.api("GET", "/api/ho-so?page=" + (page + 1)).then(function (answer) {
        page = answer.page; more = answer.has_more; busy = false;
        rowsOf(answer.items).forEach(function (row) { tbody.appendChild(row); });
        status.textContent = more ? "Đã hiển thị " + tbody.children.length + "/" + answer.total + " hồ sơ, cuộn xuống để xem thêm"
          : (answer.total ? "Đã hiển thị tất cả " + answer.total + " hồ sơ" : "Chưa có hồ sơ nào");
        if (!more && observer) { observer.disconnect(); observer = null; }
      }, function (err) { busy = false; failed(err); });
    }
    return next().then(function () {
      observer = new IntersectionObserver(function (entries) { if (entries[0].isIntersecting) next(); });
      observer.observe(sentinel);
    });
  }

  function detailRows(pairs) {
    return el("dl", { class: "details" }, pairs.reduce(function (out, p) {
      return out.concat([el("dt", { text: p[0] }), el("dd", { id: p[2] || null, "data-field": p[3] || null, text: p[1] })]);
    }, []));
  }

  function receiptView(user, receipt) {
    return Promise.all([VT.api("GET", "/api/ho-so/" + encodeURIComponent(receipt)), VT.api("GET", "/api/forms/phu-hieu")]).then(function (got) {
      var r = got[0], schema = got[1], f = r.form;
      var kinds = {}, owns = {};
      schema.sections[1].fields[0].options.forEach(function (o) { kinds[o.value] = o.label; });
      schema.sections[2].fields.filter(function (x) { return x.name === "so_huu"; })[0].options.forEach(function (o) { owns[o.value] = o.label; });
      var children = [];
      if ((history.state || {}).submitted) {
        children.push(el("div", { id: "submit-success", class: "alert alert-success", role: "status" }, [el("h1", { text: "Nộp hồ sơ thành công" }),
          el("p", { text: "Hồ sơ đã được gửi tới Sở Xây dựng tỉnh Quảng Ngãi. Vui lòng ghi lại mã hồ sơ để tra cứu." })]));
      } else children.push(el("h1", { text: "Chi tiết hồ sơ" }));
      children.push(el("section", { class: "card", id: "receipt" }, [detailRows([
        ["Mã hồ sơ", r.receipt, "receipt-number"], ["Ngày nộp", VT.isoToVnTime(r.submitted_at), "receipt-submitted-at"],
        ["Trạng thái", r.status_label, "receipt-status"]])]));
      document.title = r.receipt + " – Cổng dịch vụ công – Sở Xây dựng tỉnh Quảng Ngãi";
      if (r.supplement_reason && r.status === "supplement_requested") {
        children.push(el("div", { id: "receipt-supplement", class: "alert alert-warning", text: "Nội dung yêu cầu bổ sung: " + r.supplement_reason }));
      }
      if (r.badges.length) {
        var badges = el("table", { id: "receipt-badges", class: "table" }, [el("thead", {}, [el("tr", {}, [el("th", { text: "Biển kiểm soát" }), el("th", { text: "Số phù hiệu" })])]),
          el("tbody", {}, r.badges.map(function (b) { return el("tr", {}, [el("td", { text: b.bien_so }), el("td", { text: b.so_phu_hieu })]); }))]);
        children.push(el("h2", { text: "Phù hiệu đã cấp" }), badges);
      }
      children.push(el("h2", { text: "Thông tin doanh nghiệp" }), detailRows([
        ["Số giấy phép kinh doanh vận tải", f.so_giay_phep, null, "so_giay_phep"], ["Tên doanh nghiệp/HTX", f.ten_doanh_nghiep, null, "ten_doanh_nghiep"],
        ["Mã số thuế", f.ma_so_thue, null, "ma_so_thue"], ["Địa chỉ", f.dia_chi, null, "dia_chi"],
        ["Người liên hệ", f.nguoi_lien_he, null, "nguoi_lien_he"], ["Số điện thoại", f.so_dien_thoai, null, "so_dien_thoai"],
        ["Thư điện tử", f.email, null, "email"]]));
      children.push(el("h2", { text: "Thông tin phù hiệu" }), detailRows([["Loại phù hiệu", kinds[f.loai_phu_hieu], null, "loai_phu_hieu"],
        ["Đề nghị hiệu lực đến", f.hieu_luc_den, null, "hieu_luc_den"]]));
      children.push(el("h2", { text: "Danh sách phương tiện" }), el("table", { id: "receipt-vehicles", class: "table" }, [
        el("thead", {}, [el("tr", {}, ["Biển kiểm soát", "Nhãn hiệu", "Số chỗ / Tải trọng (kg)", "Năm sản xuất", "Hình thức sở hữu",
          "Số giấy đăng ký xe", "Tệp đính kèm"].map(function (t) { return el("th", { text: t }); }))]),
        el("tbody", {}, f.phuong_tien.map(function (v) {
          var files = [v.anh_dang_ky, v.hop_dong_thue].filter(Boolean).map(function (x) { return x.name; }).join(", ");
          return el("tr", { "data-plate": v.bien_so }, [el("td", { "data-field": "bien_so", text: v.bien_so }),
            el("td", { "data-field": "nhan_hieu", text: v.nhan_hieu }), el("td", { text: String(v.so_cho || v.trong_tai_kg) }),
            el("td", { "data-field": "nam_san_xuat", text: String(v.nam_san_xuat) }),
            el("td", { "data-field": "so_huu", text: owns[v.so_huu] + (v.thue_den ? " (đến " + v.thue_den + ")" : "") }),
            el("td", { "data-field": "so_dang_ky_xe", text: v.so_dang_ky_xe }), el("td", { text: files })]);
        }))]));
      children.push(el("h2", { text: "Quá trình xử lý" }), el("table", { id: "status-history", class: "table" }, [
        el("thead", {}, [el("tr", {}, [el("th", { text: "Thời gian" }), el("th", { text: "Trạng thái" }), el("th", { text: "Ghi chú" })])]),
        el("tbody", {}, r.status_history.map(function (h) {
          return el("tr", {}, [el("td", { text: VT.isoToVnTime(h.at) }), el("td", { text: h.label }), el("td", { text: h.note || "" })]);
        }))]));
      children.push(el("p", {}, [el("a", { href: "/ho-so", "data-link": true, class: "btn", text: "← Danh sách hồ sơ" }), " ",
        el("a", { href: "/ho-so/moi", "data-link": true, class: "btn btn-primary", text: "Nộp hồ sơ mới" })]));
      frame("receipt", user, children);
    });
  }

  var LOOKUP = [["so_giay_phep", "Số giấy phép kinh doanh vận tải"], ["ma_so_thue", "Mã số thuế"], ["bien_so", "Biển kiểm soát"],
    ["tu_ngay", "Từ ngày"], ["den_ngay", "Đến ngày"]];

  function lookupView(user) {
    var params = new URLSearchParams(location.search);
    var form = el("form", { id: "lookup-form", class: "card", novalidate: true }, [el("div", { class: "grid three" }, LOOKUP.map(function (c) {
      return el("div", { class: "field" }, [el("label", { for: "tc_" + c[0], text: c[1] }),
        el("input", { id: "tc_" + c[0], name: c[0], value: params.get(c[0]) || "", placeholder: c[0].indexOf("ngay") > 0 ? "dd/mm/yyyy" : null })]);
    })), el("button", { type: "submit", id: "lookup-button", class: "btn btn-primary", text: "Tra cứu" })]);
    var results = el("div", { id: "lookup-results-area" });
    frame("lookup", user, [el("h1", { text: "Tra cứu hồ sơ" }), form, results]);
    ["tc_tu_ngay", "tc_den_ngay"].forEach(function (id) { VT.datePicker(document.getElementById(id)); });
    function search(query) {
      return VT.api("GET", "/api/tra-cuu?" + query).then(function (answer) {
        results.innerHTML = "";
        if (!answer.items.length) { results.appendChild(el("p", { id: "lookup-empty", class: "alert", text: "Không tìm thấy hồ sơ phù hợp" })); return; }
        var table = listTable("lookup-results");
        rowsOf(answer.items).forEach(function (row) { table.querySelector("tbody").appendChild(row); });
        results.appendChild(el("p", { class: "muted", text: "Tìm thấy " + answer.total + " hồ sơ" }));
        results.appendChild(table);
      }, failed);
    }
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      var query = new URLSearchParams();
      LOOKUP.forEach(function (c) { var v = form[c[0]].value.trim(); if (v) query.set(c[0], v); });
      history.replaceState({}, "", "/tra-cuu" + (query.toString() ? "?" + query : ""));
      search(query.toString());
    });
    if (LOOKUP.some(function (c) { return params.get(c[0]); })) return search(params.toString());
  }

  function route() {
    var path = location.pathname;
    if (path === "/dang-nhap") return loginView();
    if (path === "/" || path === "") return navigate("/ho-so/moi", {}, true);
    if (path === "/ho-so/moi") return withUser("form", formView);
    if (path === "/ho-so") return withUser("list", listView);
    if (path === "/tra-cuu") return withUser("lookup", lookupView);
    var m = /^\/ho-so\/([^/]+)$/.exec(path);
    if (m) return withUser("receipt", function (user) { return receiptView(user, decodeURIComponent(m[1])); });
    frame("not-found", null, [el("h1", { text: "Không tìm thấy trang" })]);
  }

  route();
})();
