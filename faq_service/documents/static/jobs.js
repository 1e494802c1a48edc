// An import's status page: while the job is queued or running, fetch the page again every few seconds
// and put what changed in place: #job (a polite live region: a new state is announced) and #job-facts.
document.addEventListener("DOMContentLoaded", () => {
  const job = document.getElementById("job");
  const update = (fresh, id) => {
    const old = document.getElementById(id);
    const found = fresh.getElementById(id);
    if (old && found && old.innerHTML !== found.innerHTML) old.replaceChildren(...Array.from(found.childNodes));
  };
  const tick = () => {
    if (!job || !job.dataset.refresh) return;
    setTimeout(async () => {
      try {
        const response = await fetch(window.location.pathname, {credentials: "same-origin", cache: "no-store"});
        const fresh = response.ok ? new DOMParser().parseFromString(await response.text(), "text/html") : null;
        const state = fresh && fresh.getElementById("job");
        if (state) {
          update(fresh, "job-facts");
          update(fresh, "job");
          job.dataset.state = state.dataset.state;
          if (!state.dataset.refresh) delete job.dataset.refresh;
        }
      } catch (error) {
        // the service is restarting or the network is down: try again at the next tick
      }
      tick();
    }, Number(job.dataset.refresh) * 1000);
  };
  tick();
});
