// Keeps this browser's remembered-device token in a cookie, or deletes it (see ui/remember.py).
//
// The server sends an instruction with a nonce, carried out once per page: a token to keep (for a number of
// seconds, or until the browser closes) or none (delete the cookie). The cookie is first-party, Path=/, SameSite=Strict, Secure on https,
// so the browser sends it only to this app and only from its own pages. The page's Streamlit session reads it
// from its connection's request (st.context.cookies) the next time it starts: a reload, a new tab.

const done = new Set(); // nonces of instructions carried out by this page

export default function deviceCookie({ data }) {
  if (!data.nonce || done.has(data.nonce)) return;
  done.add(data.nonce);
  const secure = window.location.protocol === "https:" ? "; Secure" : "";
  const lasting = data.token ? (data.max_age ? `; Max-Age=${data.max_age}` : "") : "; Max-Age=0";
  document.cookie = `${data.name}=${data.token || ""}; Path=/; SameSite=Strict${lasting}${secure}`;
}
