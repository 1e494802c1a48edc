// The import form: once sent, say that the file is being sent (a large one takes a while to upload; the
// import itself runs in the background) and keep the button from sending the same file again.
document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("upload-form");
  if (!form) return;
  form.addEventListener("submit", () => {
    document.getElementById("upload-progress").hidden = false;
    setTimeout(() => { document.getElementById("upload-submit").disabled = true; }, 0);
  });
});
