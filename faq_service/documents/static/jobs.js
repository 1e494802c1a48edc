// An import's status page: while the job is queued or running, fetch the page again every few seconds
// and put its new state in place (#job is a polite live region, so a change of state is announced).
document.addEventListener("DOMContentLoaded", () => {
  const job = document.getElementById("job");
  const tick = () => {
    if (!job || !job.dataset.refresh) return;
    setTimeout(async () => {
      try {
        const response = await fetch(window.location.pathname, {credentials: "same-origin", cache: "no-store"});
        const fresh = response.ok
          ? new DOMParser().parseFromString(await response.text(), "text/html").getElementById("job") : null;
        if (fresh) {
          job.replaceChildren(...Array.from(fresh.childNodes));
          job.dataset.state = fresh.dataset.state;
          if (!fresh.dataset.refresh) delete job.dataset.refresh;
        }
      } catch (error) {
        // the service is restarting or the network is down: try again at the next tick
      }
      tick();
    }, Number(job.dataset.refresh) * 1000);
  };
  tick();
});
