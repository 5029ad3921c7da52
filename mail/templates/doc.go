// Package templates renders accountd's mail: the account core queues a mail kind with its data
// (addresses, code or link, lifetime, vendor, locale) and the dispatcher renders it here, at
// delivery, into a plain-text and an HTML part in the vendor's voice and the user's language.
//
// Texts are go-i18n messages (locales/*.yaml, English and German, one id set for both);
// layout and structure are Go templates (files/*.tmpl: text/template for the text part,
// html/template with inline CSS and no remote resources for the HTML part). An operator may
// replace any template, or any message, by dropping a file of the same name into the directory
// named by ACCOUNTD_MAIL_TEMPLATES; New checks every template against every vendor, language
// and kind, so a template that does not parse or names a field that does not exist stops the
// start instead of a mail.
package templates
