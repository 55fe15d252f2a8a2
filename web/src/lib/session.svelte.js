// Whether the browser holds a valid admin session. Any API answer of 401 flips it to
// "login required" (the app then shows the login screen); any successful answer flips it back.

function createSession() {
  let state = $state({ loginRequired: false, message: '' });
  return {
    get loginRequired() {
      return state.loginRequired;
    },
    get message() {
      return state.message;
    },
    /** @param {string} message the server's reason */
    unauthorized(message) {
      state.loginRequired = true;
      state.message = message;
    },
    authorized() {
      if (state.loginRequired) state.loginRequired = false;
    },
  };
}

export const session = createSession();
