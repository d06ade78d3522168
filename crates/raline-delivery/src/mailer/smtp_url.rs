//! Parsing of the SMTP server URL, in the forms listed on [`super::Mailer`].

use std::fmt;
use std::net::IpAddr;

use percent_encoding::percent_decode_str;
use url::{Host, Url};

use super::MailError;

/// Accepted URL forms, appended to parse errors.
const ACCEPTED_FORMS: &str = "expected smtp://HOST:PORT (no TLS), \
    smtp://USER:PASSWORD@HOST:587?tls=starttls (STARTTLS) \
    or smtps://USER:PASSWORD@HOST:465 (implicit TLS)";

/// Transport security of the SMTP connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Security {
    /// No TLS at all.
    Plain,
    /// Plain connection upgraded with STARTTLS. The send fails if the server does not offer it.
    StartTls,
    /// TLS handshake right after the TCP connect.
    ImplicitTls,
}

/// SMTP login. The Debug output leaves out the password.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct Login {
    pub(crate) user: String,
    pub(crate) password: String,
}

impl fmt::Debug for Login {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Login")
            .field("user", &self.user)
            .field("password", &"***")
            .finish()
    }
}

/// Parsed SMTP server URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SmtpUrl {
    /// Host name or IP address, without the brackets of an IPv6 literal.
    pub(crate) host: String,
    pub(crate) port: u16,
    pub(crate) security: Security,
    pub(crate) login: Option<Login>,
    /// The URL with the effective port and without the password, for logs.
    pub(crate) description: String,
}

impl SmtpUrl {
    /// Parses an SMTP URL in one of the forms listed on [`super::Mailer`].
    ///
    /// Error messages never contain the password.
    pub(crate) fn parse(input: &str) -> Result<Self, MailError> {
        let url = Url::parse(input.trim())
            .map_err(|error| invalid(format!("the SMTP URL is not a valid URL ({error})")))?;

        let security = parse_security(&url)?;
        let host = parse_host(&url)?;
        let port = match url.port() {
            Some(0) => return Err(invalid("the SMTP URL has port 0".to_owned())),
            Some(port) => port,
            None => match security {
                Security::Plain => 25,
                Security::StartTls => 587,
                Security::ImplicitTls => 465,
            },
        };

        if !(url.path().is_empty() || url.path() == "/") {
            return Err(invalid(format!(
                "the SMTP URL has a path ({:?}), which is not supported",
                url.path()
            )));
        }
        if url.fragment().is_some() {
            return Err(invalid(
                "the SMTP URL has a #fragment, which is not supported".to_owned(),
            ));
        }

        let login = parse_login(&url)?;
        if login.is_some() && security == Security::Plain && !is_loopback(&host) {
            return Err(invalid(format!(
                "the SMTP URL smtp://…@{host} would send the password unencrypted; \
                 use smtps:// or add ?tls=starttls \
                 (a password over plain smtp:// is accepted only for a loopback host)"
            )));
        }

        let description = describe_url(&url, port);
        Ok(SmtpUrl {
            host,
            port,
            security,
            login,
            description,
        })
    }
}

fn invalid(reason: String) -> MailError {
    MailError::InvalidConfig(format!("{reason}; {ACCEPTED_FORMS}"))
}

fn parse_security(url: &Url) -> Result<Security, MailError> {
    let mut starttls = false;
    for (key, value) in url.query_pairs() {
        if key == "tls" && value == "starttls" {
            starttls = true;
        } else {
            return Err(invalid(format!(
                "the SMTP URL has the unsupported query parameter `{key}={value}` \
                 (the only one supported is `tls=starttls`)"
            )));
        }
    }

    match (url.scheme(), starttls) {
        ("smtp", false) => Ok(Security::Plain),
        ("smtp", true) => Ok(Security::StartTls),
        ("smtps", false) => Ok(Security::ImplicitTls),
        ("smtps", true) => Err(invalid(
            "smtps:// already starts TLS on connect, so `?tls=starttls` does not apply to it"
                .to_owned(),
        )),
        (scheme, _) => Err(invalid(format!(
            "the SMTP URL scheme `{scheme}` is not supported"
        ))),
    }
}

fn parse_host(url: &Url) -> Result<String, MailError> {
    match url.host() {
        Some(Host::Domain(domain)) if !domain.is_empty() => Ok(domain.to_owned()),
        Some(Host::Ipv4(address)) => Ok(address.to_string()),
        Some(Host::Ipv6(address)) => Ok(address.to_string()),
        _ => Err(invalid("the SMTP URL has no host".to_owned())),
    }
}

fn parse_login(url: &Url) -> Result<Option<Login>, MailError> {
    let user = decode_userinfo(url.username(), "user name")?;
    let password = url
        .password()
        .map(|password| decode_userinfo(password, "password"))
        .transpose()?;

    match (user.is_empty(), password) {
        (true, None) => Ok(None),
        (false, Some(password)) if !password.is_empty() => Ok(Some(Login { user, password })),
        (false, _) => Err(invalid(format!(
            "the SMTP URL has the user name {user:?} but no password"
        ))),
        (true, Some(_)) => Err(invalid(
            "the SMTP URL has a password but no user name".to_owned(),
        )),
    }
}

fn decode_userinfo(encoded: &str, field_name: &str) -> Result<String, MailError> {
    percent_decode_str(encoded)
        .decode_utf8()
        .map(|decoded| decoded.into_owned())
        .map_err(|_| {
            invalid(format!(
                "the {field_name} in the SMTP URL is not valid UTF-8 after percent-decoding"
            ))
        })
}

fn is_loopback(host: &str) -> bool {
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<IpAddr>()
            .is_ok_and(|address| address.is_loopback())
}

/// Returns the URL with the effective port and without password, path or fragment.
fn describe_url(url: &Url, port: u16) -> String {
    let mut redacted = url.clone();
    // The setters fail only for URLs without a host, which `parse_host` already rejected.
    let _ = redacted.set_password(None);
    let _ = redacted.set_port(Some(port));
    redacted.set_path("");
    redacted.set_fragment(None);
    redacted.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_ok(input: &str) -> SmtpUrl {
        SmtpUrl::parse(input).unwrap_or_else(|error| panic!("{input}: {error}"))
    }

    fn parse_error(input: &str) -> String {
        match SmtpUrl::parse(input) {
            Ok(url) => panic!("{input} parsed as {url:?}"),
            Err(MailError::InvalidConfig(message)) => message,
            Err(other) => panic!("{input}: expected InvalidConfig, got {other:?}"),
        }
    }

    #[test]
    fn plain_local_relay() {
        let url = parse_ok("smtp://127.0.0.1:2525");
        assert_eq!(url.host, "127.0.0.1");
        assert_eq!(url.port, 2525);
        assert_eq!(url.security, Security::Plain);
        assert_eq!(url.login, None);
        assert_eq!(url.description, "smtp://127.0.0.1:2525");
    }

    #[test]
    fn default_ports_per_security() {
        assert_eq!(parse_ok("smtp://relay.example.org").port, 25);
        assert_eq!(parse_ok("smtp://relay.example.org?tls=starttls").port, 587);
        assert_eq!(parse_ok("smtps://relay.example.org").port, 465);
    }

    #[test]
    fn implicit_tls_with_login() {
        let url = parse_ok("smtps://perpus%40example.go.id:s%3Acret%2F1@mail.example.go.id");
        assert_eq!(url.security, Security::ImplicitTls);
        assert_eq!(url.host, "mail.example.go.id");
        let login = url.login.expect("login");
        assert_eq!(login.user, "perpus@example.go.id");
        assert_eq!(login.password, "s:cret/1");
        assert_eq!(
            url.description,
            "smtps://perpus%40example.go.id@mail.example.go.id:465"
        );
    }

    #[test]
    fn starttls_description_keeps_query() {
        let url = parse_ok("smtp://user:pw@mail.example.org:587/?tls=starttls");
        assert_eq!(url.security, Security::StartTls);
        assert_eq!(
            url.description,
            "smtp://user@mail.example.org:587?tls=starttls"
        );
    }

    #[test]
    fn ipv6_host_without_brackets() {
        let url = parse_ok("smtp://[::1]:2525");
        assert_eq!(url.host, "::1");
        assert_eq!(url.description, "smtp://[::1]:2525");
    }

    #[test]
    fn password_over_plain_only_for_loopback() {
        assert!(parse_ok("smtp://user:pw@localhost:2525").login.is_some());
        assert!(parse_ok("smtp://user:pw@127.0.0.1:2525").login.is_some());
        let message = parse_error("smtp://user:topsecret@mail.example.org:25");
        assert!(message.contains("unencrypted"), "{message}");
    }

    #[test]
    fn errors_never_contain_password() {
        let inputs = [
            "smtp://user:topsecret@mail.example.org:25",
            "smtps://user:topsecret@mail.example.org/path",
            "smtps://user:topsecret@mail.example.org?tls=starttls",
            "smtps://user:topsecret@mail.example.org?tls=yes",
            "smtps://user:topsecret@mail.example.org#x",
            "smtps://user:topsecret@mail.example.org:99999",
            "http://user:topsecret@mail.example.org",
        ];
        for input in inputs {
            let message = parse_error(input);
            assert!(!message.contains("topsecret"), "{input}: {message}");
        }
    }

    #[test]
    fn rejected_urls() {
        let cases = [
            ("mail.example.org:25", "scheme `mail.example.org`"),
            ("smtp://[::1:25", "not a valid URL"),
            ("http://mail.example.org", "scheme `http`"),
            ("smtp://", "no host"),
            ("smtp://mail.example.org:0", "port 0"),
            ("smtp://mail.example.org?tls=required", "tls=required"),
            (
                "smtps://mail.example.org?tls=starttls",
                "already starts TLS",
            ),
            ("smtps://user@mail.example.org", "no password"),
            ("smtps://:pw@mail.example.org", "no user name"),
            ("smtp://mail.example.org/helo.example", "path"),
        ];
        for (input, expected) in cases {
            let message = parse_error(input);
            assert!(message.contains(expected), "{input}: {message}");
            assert!(message.contains("smtps://"), "{input}: {message}");
        }
    }

    #[test]
    fn login_debug_hides_password() {
        let login = Login {
            user: "user".into(),
            password: "topsecret".into(),
        };
        assert!(!format!("{login:?}").contains("topsecret"));
    }
}
