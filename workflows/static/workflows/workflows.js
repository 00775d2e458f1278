// Progressive enhancement of the function and rule editors; the server checks everything.
(function () {
  "use strict";

  // Tab in a code box inserts a tab instead of leaving the box.
  function codeTabs() {
    document.addEventListener("keydown", function (event) {
      var box = event.target;
      if (event.key !== "Tab" || event.shiftKey || !box.matches("textarea.code")) return;
      event.preventDefault();
      var start = box.selectionStart;
      box.setRangeText("\t", start, box.selectionEnd, "end");
    });
  }

  // "Add ..." buttons append a formset row from its <template> and count it.
  function formsetRows() {
    document.addEventListener("click", function (event) {
      var button = event.target.closest("[data-add-row]");
      if (!button) return;
      var prefix = button.dataset.addRow;
      var total = document.getElementById("id_" + prefix + "-TOTAL_FORMS");
      var template = document.getElementById(prefix + "-template");
      var html = template.innerHTML.replace(/__prefix__/g, total.value);
      document.getElementById(prefix + "-rows").insertAdjacentHTML("beforeend", html);
      total.value = Number(total.value) + 1;
      refreshRule();
    });
  }

  function schema() {
    var node = document.getElementById("workflow-schema");
    return node ? JSON.parse(node.textContent) : null;
  }

  function setOptions(select, options, keepBlank) {
    var current = select.value;
    select.innerHTML = "";
    if (keepBlank) select.add(new Option("—", ""));
    options.forEach(function (pair) { select.add(new Option(pair[1], pair[0])); });
    if (Array.prototype.some.call(select.options, function (o) { return o.value === current; })) {
      select.value = current;
    }
  }

  function radioValue(name) {
    var checked = document.querySelector("input[name=" + name + "]:checked");
    return checked ? checked.value : "";
  }

  function show(selector, visible) {
    document.querySelectorAll(selector).forEach(function (node) { node.hidden = !visible; });
  }

  // The rule form: sections of the chosen trigger, fields of the chosen module and, per
  // condition, only the operators of its field's type.
  function refreshRule() {
    var data = schema();
    var module = document.getElementById("id_module");
    if (!data || !module) return;
    var fields = data.modules[module.value] || [];
    var trigger = document.getElementById("id_trigger").value;
    document.querySelectorAll("[data-trigger-section]").forEach(function (node) {
      node.hidden = node.dataset.triggerSection !== trigger;
    });
    show("[data-scope-section]", radioValue("edit_scope") === "specific");
    show("[data-criteria-section]", radioValue("criteria") === "conditions");
    var pairs = function (list) { return list.map(function (f) { return [f.api_name, f.label]; }); };
    setOptions(document.getElementById("id_date_field"), pairs(fields.filter(function (f) {
      return f.type === "date" || f.type === "datetime";
    })), true);
    document.querySelectorAll("select[name^=field-][name$=-field]").forEach(function (select) {
      setOptions(select, pairs(fields.filter(function (f) { return f.writable; })), true);
    });
    var used = 0;
    document.querySelectorAll("#cond-rows tr.condition").forEach(function (row) {
      var fieldSelect = row.querySelector("select[name$=-field]");
      var blank = !fieldSelect.value || row.querySelector("input[name$=-DELETE]").checked;
      row.classList.toggle("blank", blank);
      if (!blank) used += 1;
      var operator = row.querySelector("select[name$=-operator]");
      setOptions(fieldSelect, pairs(fields), true);
      var field = fields.filter(function (f) { return f.api_name === fieldSelect.value; })[0];
      var allowed = field ? data.by_type[field.type] || [] : Object.keys(data.operators);
      setOptions(operator, allowed.map(function (op) { return [op, data.operators[op]]; }), false);
      row.querySelector("[data-value]").classList.toggle("off", data.no_value.indexOf(operator.value) >= 0);
      row.querySelector("[data-value2]").classList.toggle("off", operator.value !== "between");
    });
    var numbers = [];
    for (var n = 1; n <= used; n += 1) numbers.push(n);
    document.getElementById("id_pattern").placeholder = numbers.join(" and ");
  }

  // A function action's parameter: show the field select or the value box for its source.
  function refreshMapping() {
    document.querySelectorAll("tr[data-mapping]").forEach(function (row) {
      var source = row.querySelector("select[name$=_source]").value;
      row.querySelector("[data-source-field]").classList.toggle("off", source !== "field");
      row.querySelector("[data-source-constant]").classList.toggle("off", source !== "constant");
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    codeTabs();
    formsetRows();
    refreshRule();
    refreshMapping();
    document.addEventListener("change", function () { refreshRule(); refreshMapping(); });
    document.body.addEventListener("htmx:afterSwap", refreshMapping);
  });
})();
