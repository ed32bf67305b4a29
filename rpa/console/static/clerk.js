// Clerk pages: the dossier page follows its transfer live (polling a small JSON endpoint), and the
// "Chờ cán bộ" page reloads itself while nobody is typing. Text only ever goes in through textContent.
"use strict";

(function () {
  const ACTIVE = ["filling", "submitting", "waiting_human"];
  const DONE = ["submitted", "written_back", "finished"];

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  function badge(state, label) {
    return el("span", "badge state-" + state, label);
  }

  function followDossier(root) {
    const code = root.dataset.code;
    const url = "/api/ho-so/" + encodeURIComponent(code) + "/tien-trinh";
    const events = document.getElementById("clerk-events");
    const steps = document.getElementById("clerk-steps");
    const stepsTitle = document.getElementById("clerk-steps-title");
    const stateBox = document.getElementById("clerk-state");
    const receipt = document.getElementById("clerk-receipt");
    const ministry = document.getElementById("clerk-ministry");
    const reasons = document.getElementById("clerk-reasons");
    const outcome = document.getElementById("clerk-outcome");
    const start = document.getElementById("clerk-start");
    const runningNote = document.getElementById("clerk-running");
    let seenEvents = events.querySelectorAll("li[data-event]").length;
    let seenSteps = steps.children.length;
    let quietPolls = 0;

    function showEvents(list) {
      if (list.length > 0) {
        const empty = events.querySelector(".clerk-empty");
        if (empty) empty.remove();
      }
      for (const event of list.slice(seenEvents)) {
        const item = el("li");
        item.dataset.event = event.id;
        item.appendChild(badge(event.state, event.label));
        item.appendChild(document.createTextNode(" "));
        item.appendChild(el("span", "muted", event.at + " · " + event.actor));
        if (event.reason) item.appendChild(el("div", "clerk-reason", event.reason));
        events.appendChild(item);
      }
      seenEvents = Math.max(seenEvents, list.length);
    }

    function showSteps(run) {
      if (!run) return;
      for (const step of run.steps.slice(seenSteps)) steps.appendChild(el("li", null, step.text));
      seenSteps = Math.max(seenSteps, run.steps.length);
      if (seenSteps > 0) stepsTitle.hidden = false;
      const last = steps.lastElementChild;
      if (last && !run.done) last.scrollIntoView({ block: "nearest" });
    }

    function showOutcome(body) {
      const transfer = body.transfer;
      outcome.replaceChildren();
      if (transfer && DONE.includes(transfer.state) && transfer.receipt_code) {
        outcome.appendChild(el("span", "notice",
          "Đã nộp: " + (transfer.agency || "Bộ") + " cấp mã hồ sơ " + transfer.receipt_code));
      } else if (transfer && transfer.state === "failed_business") {
        outcome.appendChild(el("span", "error", "Chưa nộp được: hồ sơ cần cán bộ sửa (xem lý do ở trên)."));
      } else if (transfer && transfer.state === "failed_system") {
        outcome.appendChild(el("span", "error", "Lỗi hệ thống: " + (transfer.last_error || "")));
      } else if (transfer && transfer.state === "waiting_human") {
        outcome.appendChild(el("span", "clerk-wait", "Cổng của Bộ hỏi mã xác nhận: "));
        const link = el("a", null, "mở trang Chờ cán bộ để đọc mã");
        link.href = "/cho-xu-ly";
        outcome.appendChild(link);
      } else if (body.run && body.run.error) {
        outcome.appendChild(el("span", "error", body.run.error));
      } else if (body.run && body.run.done && transfer && transfer.state === "queued") {
        const last = body.events[body.events.length - 1];
        outcome.appendChild(el("span", "error",
          "Hồ sơ chưa được nộp, đang chờ lượt sau" + (last && last.reason ? ": " + last.reason : ".")));
      } else if (body.running) {
        outcome.appendChild(el("span", "muted", "Đang chuyển…"));
      }
    }

    function show(body) {
      const transfer = body.transfer;
      showEvents(body.events);
      showSteps(body.run);
      if (transfer) {
        stateBox.replaceChildren(badge(transfer.state, transfer.label));
        receipt.textContent = transfer.receipt_code || "—";
        ministry.textContent = transfer.ministry_status || "—";
        const list = reasons.querySelector("ul");
        list.replaceChildren(...transfer.business_reasons.map((r) => el("li", null, r)));
        reasons.hidden = transfer.business_reasons.length === 0;
      }
      showOutcome(body);
      if (start) {
        start.disabled = body.running;
        start.closest("form").hidden = Boolean(transfer && !transfer.can_start && !body.running);
      }
      if (runningNote) runningNote.hidden = !body.running;
      const notice = document.getElementById("clerk-started");
      if (notice && body.run && body.run.done) notice.hidden = true; // "started": no longer true
    }

    async function poll() {
      let body = null;
      try {
        const response = await fetch(url, { headers: { Accept: "application/json" }, cache: "no-store" });
        if (response.status === 401) {
          window.location.reload(); // the session ended: the page sends the person to sign in
          return;
        }
        if (response.ok) body = await response.json();
      } catch (error) {
        body = null; // the console restarted or the network dropped: try again shortly
      }
      if (body) show(body);
      const active = body && (body.running || (body.transfer && ACTIVE.includes(body.transfer.state)));
      quietPolls = active ? 0 : quietPolls + 1;
      if (quietPolls < 3) window.setTimeout(poll, active && body.running ? 700 : 3000);
    }

    poll();
  }

  function refreshWaiting() {
    // Reload to show new requests, unless the person is typing an answer or a reason.
    window.setInterval(function () {
      const typing = Array.from(document.querySelectorAll("input[name=answer], textarea[name=reason]"))
        .some((field) => field.value !== "" || field === document.activeElement);
      if (!typing) window.location.reload();
    }, 15000);
  }

  const dossier = document.getElementById("clerk-dossier");
  if (dossier) followDossier(dossier);
  if (document.querySelector(".clerk-captchas, .clerk-approval") || document.title.startsWith("Chờ cán bộ")) {
    refreshWaiting();
  }
})();
