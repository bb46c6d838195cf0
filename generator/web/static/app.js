// speechdraft serve: the few things htmx does not do. No network access beyond this server.
(function () {
  "use strict";
  function showStatus(text) {
    var box = document.getElementById("status");
    if (!box) return;
    box.textContent = text || "";
    box.hidden = !text;
  }
  document.addEventListener("click", function (event) {
    var target = event.target.closest ? event.target : null;
    if (!target) return;
    var add = target.closest("button.add");
    if (add) {
      var group = add.closest("[data-rows]");
      var rows = group.querySelectorAll(".row");
      var copy = rows[rows.length - 1].cloneNode(true);
      copy.querySelectorAll("input").forEach(function (input) { input.value = ""; });
      group.insertBefore(copy, add);
      copy.querySelector("input").focus();
      return;
    }
    var remove = target.closest("button.remove");
    if (remove) {
      var row = remove.closest(".row");
      var group2 = row.closest("[data-rows]");
      if (group2.querySelectorAll(".row").length > 1) row.remove();
      else row.querySelectorAll("input").forEach(function (input) { input.value = ""; });
      return;
    }
    var pick = target.closest("[data-path]");
    if (pick && pick.classList.contains("pick")) {
      document.querySelectorAll(".pick.active").forEach(function (el) { el.classList.remove("active"); });
      pick.classList.add("active");
    }
  });
  document.addEventListener("keydown", function (event) {
    var el = event.target;
    if ((event.key === "Enter" || event.key === " ") && el.classList && el.classList.contains("pick")) {
      event.preventDefault();
      el.click();
    }
  });
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el.classList && el.classList.contains("file-input")) {
      var shown = document.querySelector('.file-name[data-for="' + el.id + '"]');
      if (shown && el.files && el.files.length) shown.textContent = el.files[0].name;
    }
    if (el.classList && el.classList.contains("date-pick") && el.value) {
      var field = document.getElementById(el.getAttribute("data-for"));
      if (field) field.value = el.value;
    }
  });
  document.addEventListener("htmx:responseError", function (event) {
    showStatus(event.detail.xhr.responseText || "请求没有完成，请刷新页面后再试");
  });
  document.addEventListener("htmx:sendError", function () {
    showStatus("连不上 speechdraft 服务：它是否已经退出？请重新运行 speechdraft serve");
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    if (event.detail.successful) showStatus("");
  });
})();
