/* Drag a member to another draft set on the formation page. The drop posts the same plain form
   as the "Move" link (member and target set), so the server checks every rule again and shows
   any warning before saving; nothing is saved here. */
(function () {
  "use strict";
  var grid = document.querySelector(".set-grid[data-move-url]");
  if (!grid || typeof Sortable === "undefined") { return; }

  function post(memberId, targetId) {
    var form = document.createElement("form");
    form.method = "post";
    form.action = grid.getAttribute("data-move-url");
    var fields = { csrf_token: grid.getAttribute("data-csrf"), member: memberId, target: targetId };
    Object.keys(fields).forEach(function (name) {
      var input = document.createElement("input");
      input.type = "hidden";
      input.name = name;
      input.value = fields[name];
      form.appendChild(input);
    });
    document.body.appendChild(form);
    form.submit();
  }

  grid.classList.add("can-drag");
  grid.querySelectorAll(".set-members").forEach(function (list) {
    Sortable.create(list, {
      group: "sets",
      sort: false,
      animation: 0,
      forceFallback: true, // pointer events rather than native drag and drop: works on touch too
      ghostClass: "drag-ghost",
      onAdd: function (event) {
        post(event.item.getAttribute("data-member-id"), event.to.getAttribute("data-set-id"));
      }
    });
  });
}());
