package message

// doctorProbeSentence is what `regstack doctor --send-test-email` says in
// both bodies (ui.md §11, cli.md §5.2).
const doctorProbeSentence = "regstack doctor probe — if you can read this, your email backend works."

// DoctorProbe returns the subject and bodies of the test email that
// `regstack doctor --send-test-email` sends. The subject gets the same
// CR/LF stripping as a rendered one, since app_name comes from config.
func DoctorProbe(appName string) (subject, text, html string) {
	subject = cleanSubject("[" + appName + "] regstack doctor probe")
	return subject, doctorProbeSentence, "<p>" + doctorProbeSentence + "</p>"
}
