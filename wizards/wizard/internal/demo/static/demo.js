"use strict";
(function () {
  const token = document.body.dataset.wizardToken;
  const call = (method, path, body) =>
    fetch(path, {
      method,
      headers: Object.assign({ "X-Wizard-Token": token }, body === undefined ? {} : { "Content-Type": "application/json" }),
      body: body === undefined ? undefined : JSON.stringify(body),
    }).then((r) => r.json());
  call("GET", "/api/state").then((state) => {
    document.getElementById("greeting").textContent = state.greeting;
  });
  document.getElementById("done").addEventListener("click", () => call("POST", "/api/done", {}));
})();
