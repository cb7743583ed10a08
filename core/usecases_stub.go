package regstack

import "context"

// Register is POST /register (http-api.md §5.1).
func (rs *RegStack) Register(ctx context.Context, in RegisterInput) (RegisterResult, error) {
	return RegisterResult{}, errNotImplemented
}

// Verify is POST /verify (§5.2).
func (rs *RegStack) Verify(ctx context.Context, rawToken string) (*User, error) {
	return nil, errNotImplemented
}

// ResendVerification is POST /resend-verification (§5.3). Errors are for
// logging only: the endpoint always answers 202.
func (rs *RegStack) ResendVerification(ctx context.Context, email string) error {
	return errNotImplemented
}

// Login is POST /login (§5.4).
func (rs *RegStack) Login(ctx context.Context, in LoginInput) (LoginResult, error) {
	return LoginResult{}, errNotImplemented
}

// ConfirmMFA is POST /login/mfa-confirm (§5.5).
func (rs *RegStack) ConfirmMFA(ctx context.Context, pendingToken, code string) (Session, error) {
	return Session{}, errNotImplemented
}

// Authenticate resolves a bearer session token (http-api.md §4).
func (rs *RegStack) Authenticate(ctx context.Context, bearer string) (*Principal, error) {
	return nil, errNotImplemented
}

// Logout is POST /logout (§5.6).
func (rs *RegStack) Logout(ctx context.Context, p *Principal) error { return errNotImplemented }

// UpdateProfile is PATCH /me (§5.8); returns the stored user after the write.
func (rs *RegStack) UpdateProfile(ctx context.Context, p *Principal, up ProfileUpdate) (*User, error) {
	return nil, errNotImplemented
}

// ChangePassword is POST /change-password (§5.9).
func (rs *RegStack) ChangePassword(ctx context.Context, p *Principal, current, next string) error {
	return errNotImplemented
}

// ChangeEmail is POST /change-email (§5.10).
func (rs *RegStack) ChangeEmail(ctx context.Context, p *Principal, newEmail, current string) error {
	return errNotImplemented
}

// ConfirmEmailChange is POST /confirm-email-change (§5.11).
func (rs *RegStack) ConfirmEmailChange(ctx context.Context, tok string) (*User, error) {
	return nil, errNotImplemented
}

// DeleteAccount is DELETE /account (§5.12).
func (rs *RegStack) DeleteAccount(ctx context.Context, p *Principal, current string) error {
	return errNotImplemented
}

// ForgotPassword is POST /forgot-password (§6.1). Errors are for logging
// only: the endpoint always answers 202.
func (rs *RegStack) ForgotPassword(ctx context.Context, email string) error {
	return errNotImplemented
}

// ResetPassword is POST /reset-password (§6.2).
func (rs *RegStack) ResetPassword(ctx context.Context, tok, newPassword string) error {
	return errNotImplemented
}

// BootstrapAdmin creates an active, verified superuser, or promotes an
// existing user keeping its password; created reports which.
func (rs *RegStack) BootstrapAdmin(ctx context.Context, email, password string) (u *User, created bool, err error) {
	return nil, false, errNotImplemented
}

// PromotePending turns a live pending registration into a verified user
// (http-api.md §8.7).
func (rs *RegStack) PromotePending(ctx context.Context, email string) (*User, error) {
	return nil, errNotImplemented
}
