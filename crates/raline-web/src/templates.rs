//! HTML and e-mail templates, embedded in the binary and rendered with minijinja.
//!
//! Templates call `t("key", name=value)` for catalogue messages; the locale comes from the
//! `locale` variable of the rendering context.

use minijinja::value::Kwargs;
use minijinja::{Environment, State, UndefinedBehavior, Value};

use crate::i18n::{self, Arg, Locale};

/// Every template, by name. The render-all test walks this list.
pub const TEMPLATES: &[(&str, &str)] = &[
    ("base.html", include_str!("../templates/base.html")),
    ("landing.html", include_str!("../templates/landing.html")),
    ("form.html", include_str!("../templates/form.html")),
    ("status.html", include_str!("../templates/status.html")),
    ("error.html", include_str!("../templates/error.html")),
    (
        "staff_login.html",
        include_str!("../templates/staff_login.html"),
    ),
    (
        "staff_nav.html",
        include_str!("../templates/staff_nav.html"),
    ),
    (
        "staff_queue.html",
        include_str!("../templates/staff_queue.html"),
    ),
    (
        "staff_detail.html",
        include_str!("../templates/staff_detail.html"),
    ),
    (
        "staff_deliveries.html",
        include_str!("../templates/staff_deliveries.html"),
    ),
    (
        "staff_messages_failed.html",
        include_str!("../templates/staff_messages_failed.html"),
    ),
    (
        "staff_templates.html",
        include_str!("../templates/staff_templates.html"),
    ),
    (
        "staff_templates_edit.html",
        include_str!("../templates/staff_templates_edit.html"),
    ),
    ("account.html", include_str!("../templates/account.html")),
    (
        "account_login.html",
        include_str!("../templates/account_login.html"),
    ),
    (
        "account_password.html",
        include_str!("../templates/account_password.html"),
    ),
    (
        "account_renew.html",
        include_str!("../templates/account_renew.html"),
    ),
    (
        "staff_renewals.html",
        include_str!("../templates/staff_renewals.html"),
    ),
    (
        "staff_renewal_detail.html",
        include_str!("../templates/staff_renewal_detail.html"),
    ),
    (
        "staff_renewal_history.html",
        include_str!("../templates/staff_renewal_history.html"),
    ),
    (
        "staff_member_search.html",
        include_str!("../templates/staff_member_search.html"),
    ),
    (
        "staff_member.html",
        include_str!("../templates/staff_member.html"),
    ),
    (
        "staff_corrections.html",
        include_str!("../templates/staff_corrections.html"),
    ),
    (
        "staff_inlislite.html",
        include_str!("../templates/staff_inlislite.html"),
    ),
    (
        "staff_inlislite_export.html",
        include_str!("../templates/staff_inlislite_export.html"),
    ),
    (
        "staff_inlislite_refused.html",
        include_str!("../templates/staff_inlislite_refused.html"),
    ),
    (
        "staff_inlislite_mapping.html",
        include_str!("../templates/staff_inlislite_mapping.html"),
    ),
    (
        "staff_inlislite_member.html",
        include_str!("../templates/staff_inlislite_member.html"),
    ),
    ("email.txt", include_str!("../templates/email.txt")),
    ("email.html", include_str!("../templates/email.html")),
];

fn context_locale(state: &State) -> Locale {
    state
        .lookup("locale")
        .and_then(|value| value.as_str().and_then(Locale::parse))
        .unwrap_or_default()
}

/// `t("key", name=value, …)`: a catalogue message in the page's locale.
fn translate(state: &State, key: &str, kwargs: Kwargs) -> Result<String, minijinja::Error> {
    let locale = context_locale(state);
    let names: Vec<String> = kwargs.args().map(str::to_owned).collect();
    let mut args: Vec<(&str, Arg<'static>)> = Vec::with_capacity(names.len());
    for name in &names {
        let value: Value = kwargs.get(name)?;
        let arg = match value.as_i64() {
            Some(number) if value.is_integer() => Arg::Number(number),
            _ => Arg::Text(value.to_string().into()),
        };
        args.push((name.as_str(), arg));
    }
    kwargs.assert_all_used()?;
    Ok(i18n::t_args(locale, key, &args))
}

/// `text|linkify`: the text HTML-escaped, with each `http://` or `https://` address made a
/// link and each line break a `<br>`, for e-mails whose links must be clickable.
fn linkify(text: &str) -> Value {
    let lines: Vec<String> = text.split('\n').map(linkify_line).collect();
    Value::from_safe_string(lines.join("<br>\n"))
}

fn linkify_line(text: &str) -> String {
    let mut html = String::with_capacity(text.len() + 32);
    let mut rest = text;
    while let Some(start) = rest.find("http://").or_else(|| rest.find("https://")) {
        let (before, from_url) = rest.split_at(start);
        let end = from_url
            .find(|c: char| c.is_whitespace() || c == '<' || c == '>' || c == '"')
            .unwrap_or(from_url.len());
        let (url, after) = from_url.split_at(end);
        html.push_str(&escape(before));
        let url = escape(url);
        html.push_str(&format!("<a href=\"{url}\">{url}</a>"));
        rest = after;
    }
    html.push_str(&escape(rest));
    html
}

fn escape(text: &str) -> String {
    minijinja::HtmlEscape(text).to_string()
}

/// Builds the environment once at start-up. Strict undefined behaviour turns a typo in a
/// template variable into an error (caught by the render-all test) instead of empty output.
pub fn environment() -> Environment<'static> {
    let mut environment = Environment::new();
    environment.set_undefined_behavior(UndefinedBehavior::Strict);
    for (name, source) in TEMPLATES {
        // Sources are compiled into the binary; a syntax error fails the render-all test.
        if let Err(error) = environment.add_template(name, source) {
            tracing::error!(template = name, %error, "template does not compile");
        }
    }
    environment.add_function("t", translate);
    environment.add_filter("linkify", linkify);
    environment
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn linkify_escapes_text_and_links_addresses() {
        let html =
            linkify("Tautan <baru>: https://contoh.id/akun?a=1&b=2 berlaku 1 jam").to_string();
        assert_eq!(
            html,
            "Tautan &lt;baru&gt;: <a href=\"https:&#x2f;&#x2f;contoh.id&#x2f;akun?a=1&amp;b=2\">\
             https:&#x2f;&#x2f;contoh.id&#x2f;akun?a=1&amp;b=2</a> berlaku 1 jam"
        );
        assert_eq!(linkify("tanpa tautan").to_string(), "tanpa tautan");
    }
}
