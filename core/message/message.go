// Package message renders the email and SMS texts of ui.md §11–12 from
// templates: bundled ones, overridable by name from host template
// directories (extra_template_dirs).
//
// Templates see their context under two spellings: the spec's names
// (`{{.app_name}}`, `{{.full_name}}`, `{{.url}}`, `{{.ttl_minutes}}`,
// `{{.ttl_hours}}`, `{{.code}}`), which the bundled templates use, and the
// Go field names of EmailData and SMSData (`{{.AppName}}`, …). A name that
// is neither is a render error rather than a silent "<no value>".
package message

// EmailData is the context of an email template.
type EmailData struct {
	AppName    string
	FullName   string
	URL        string
	TTLMinutes int
	TTLHours   int
}

// fields is the template context: both spellings of every field.
func (d EmailData) fields() map[string]any {
	return map[string]any{
		"app_name": d.AppName, "AppName": d.AppName,
		"full_name": d.FullName, "FullName": d.FullName,
		"url": d.URL, "URL": d.URL,
		"ttl_minutes": d.TTLMinutes, "TTLMinutes": d.TTLMinutes,
		"ttl_hours": d.TTLHours, "TTLHours": d.TTLHours,
	}
}

// SMSData is the context of an SMS template.
type SMSData struct {
	AppName    string
	Code       string
	TTLMinutes int
}

// fields is the template context: both spellings of every field.
func (d SMSData) fields() map[string]any {
	return map[string]any{
		"app_name": d.AppName, "AppName": d.AppName,
		"code": d.Code, "Code": d.Code,
		"ttl_minutes": d.TTLMinutes, "TTLMinutes": d.TTLMinutes,
	}
}
