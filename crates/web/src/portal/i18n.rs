//! English and Spanish texts of the member portal.
//!
//! One static table of `(key, English, Spanish)`. Texts are plain (no HTML): templates escape
//! them like any other value. Placeholders are written `{name}` and filled with [`tf`].

use std::collections::HashMap;
use std::sync::LazyLock;

/// The portal's languages.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub enum Lang {
    #[default]
    En,
    Es,
}

impl Lang {
    /// Read a BCP 47 tag (`es`, `es-MX`, `EN-us`); `None` for a language we do not offer.
    pub fn from_tag(tag: &str) -> Option<Lang> {
        let primary = tag.trim().split(['-', '_']).next().unwrap_or("");
        if primary.eq_ignore_ascii_case("en") {
            Some(Lang::En)
        } else if primary.eq_ignore_ascii_case("es") {
            Some(Lang::Es)
        } else {
            None
        }
    }

    /// The member's language: an explicit `?lang=` wins, then the language cookie, then the
    /// browser's `Accept-Language` (highest quality first), then English.
    pub fn negotiate(
        query_lang: Option<&str>,
        cookie: Option<&str>,
        accept_language: Option<&str>,
    ) -> Lang {
        if let Some(l) = query_lang.and_then(Lang::from_tag) {
            return l;
        }
        if let Some(l) = cookie.and_then(Lang::from_tag) {
            return l;
        }
        accept_language.and_then(best_accepted).unwrap_or(Lang::En)
    }

    /// The language code for `<html lang>` and links.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Es => "es",
        }
    }

    /// The other language, for the language switch.
    pub fn other(self) -> Lang {
        match self {
            Lang::En => Lang::Es,
            Lang::Es => Lang::En,
        }
    }
}

/// The supported language with the highest `q` in an `Accept-Language` header (ties: first).
fn best_accepted(header: &str) -> Option<Lang> {
    let mut best: Option<(Lang, f32)> = None;
    for item in header.split(',') {
        let mut parts = item.split(';');
        let tag = parts.next().unwrap_or("").trim();
        let mut q = 1.0_f32;
        for p in parts {
            if let Some(v) = p.trim().strip_prefix("q=") {
                q = v.trim().parse().unwrap_or(0.0);
            }
        }
        if q <= 0.0 {
            continue;
        }
        if let Some(l) = Lang::from_tag(tag)
            && best.is_none_or(|(_, bq)| q > bq)
        {
            best = Some((l, q));
        }
    }
    best.map(|(l, _)| l)
}

/// The text for `key`; an unknown key comes back as itself (visible, and caught by the tests).
/// With a literal key the result is `&'static str`.
pub fn t(lang: Lang, key: &str) -> &str {
    match TABLE.get(key) {
        Some((en, es)) => match lang {
            Lang::En => en,
            Lang::Es => es,
        },
        None => key,
    }
}

/// The text for `key` when it exists.
pub fn t_opt(lang: Lang, key: &str) -> Option<&'static str> {
    TABLE.get(key).map(|(en, es)| match lang {
        Lang::En => *en,
        Lang::Es => *es,
    })
}

/// The text for `key` with `{name}` placeholders filled in.
pub fn tf(lang: Lang, key: &str, args: &[(&str, &str)]) -> String {
    let mut s = match t_opt(lang, key) {
        Some(s) => s.to_owned(),
        None => key.to_owned(),
    };
    for (name, value) in args {
        s = s.replace(&format!("{{{name}}}"), value);
    }
    s
}

/// A problem with a chosen password, by the code the password rule reports.
/// Codes: `too-short`, `too-long`, `breached`, `repetitive`, `context`, `mismatch`.
pub fn password_problem(lang: Lang, code: &str, min_len: usize, max_len: usize) -> String {
    let key = format!("password.{code}");
    if t_opt(lang, &key).is_none() {
        return t(lang, "password.other").to_owned();
    }
    tf(
        lang,
        &key,
        &[("min", &min_len.to_string()), ("max", &max_len.to_string())],
    )
}

/// The password rule in plain words.
pub fn password_rule(lang: Lang, min_len: usize) -> String {
    tf(lang, "password.rule", &[("min", &min_len.to_string())])
}

/// Outcomes of sign-in, registration and password reset that the member is told about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AuthMessage {
    /// Wrong email or password; never says which, nor whether the account exists.
    BadCredentials,
    /// Too many failures on the account: paused for `minutes`; a password reset unlocks it.
    Locked {
        minutes: u32,
    },
    /// Too many tries from this place or device: wait `minutes`.
    Throttled {
        minutes: u32,
    },
    /// Registration details did not match a member record (generic on purpose).
    RegistrationRefused,
    /// The member is under 13: no own account (PRX-07); a parent asks for caregiver access.
    Under13,
    /// Reset requested: the same words whether or not the address is known.
    ResetSent,
    ResetLinkInvalid,
    ResetLinkExpired,
    ResetLinkUsed,
    /// The two-step code (or recovery code) did not work.
    TwoStepWrong,
    /// The account is turned off (100 failures, or by member services): call us.
    Disabled,
    /// This member already has an account: sign in or reset the password.
    AlreadyRegistered,
    /// Another account uses this email address.
    EmailInUse,
}

impl AuthMessage {
    /// Whole minutes to wait, rounded up (at least 1), from a `retry_after_secs`.
    pub fn minutes_from_secs(secs: u64) -> u32 {
        u32::try_from(secs.div_ceil(60)).unwrap_or(u32::MAX).max(1)
    }
}

/// The text of an [`AuthMessage`].
pub fn auth_message(lang: Lang, msg: &AuthMessage) -> String {
    match msg {
        AuthMessage::BadCredentials => t(lang, "auth.bad-credentials").to_owned(),
        AuthMessage::Locked { minutes } => {
            tf(lang, "auth.locked", &[("minutes", &minutes.to_string())])
        }
        AuthMessage::Throttled { minutes } => {
            tf(lang, "auth.throttled", &[("minutes", &minutes.to_string())])
        }
        AuthMessage::RegistrationRefused => t(lang, "auth.registration-refused").to_owned(),
        AuthMessage::Under13 => t(lang, "auth.under-13").to_owned(),
        AuthMessage::ResetSent => t(lang, "auth.reset-sent").to_owned(),
        AuthMessage::ResetLinkInvalid => t(lang, "auth.reset-invalid").to_owned(),
        AuthMessage::ResetLinkExpired => t(lang, "auth.reset-expired").to_owned(),
        AuthMessage::ResetLinkUsed => t(lang, "auth.reset-used").to_owned(),
        AuthMessage::TwoStepWrong => t(lang, "auth.two-step-wrong").to_owned(),
        AuthMessage::Disabled => t(lang, "auth.disabled").to_owned(),
        AuthMessage::AlreadyRegistered => t(lang, "auth.already-registered").to_owned(),
        AuthMessage::EmailInUse => t(lang, "auth.email-in-use").to_owned(),
    }
}

/// The message for a field problem reported by a service as `(field, code)`: `required`,
/// `invalid-email`, `invalid-mobile`, `invalid-date`, `mismatch`, or a password code (see
/// [`password_problem`]).
pub fn field_problem(
    lang: Lang,
    field: &str,
    code: &str,
    min_password_len: usize,
    max_password_len: usize,
) -> String {
    let key = match code {
        "required" => format!("required.{field}"),
        "invalid-email" | "invalid-mobile" | "invalid-date" => format!("invalid.{}", &code[8..]),
        "too-short" | "too-long" | "breached" | "repetitive" | "context" | "mismatch" => {
            return password_problem(lang, code, min_password_len, max_password_len);
        }
        _ => String::new(),
    };
    match t_opt(lang, &key) {
        Some(s) => s.to_owned(),
        None if code == "required" => t(lang, "required.other").to_owned(),
        None => t(lang, "invalid.other").to_owned(),
    }
}

/// Relationship label (`self`, `child`, `teen`, `caregiver`, `legal`, `parent`, `spouse`);
/// an unknown code is shown as given.
pub fn relationship_label(lang: Lang, code: &str) -> String {
    t_opt(lang, &format!("rel.{code}"))
        .map(str::to_owned)
        .unwrap_or_else(|| code.to_owned())
}

const MONTHS_EN: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];
const MONTHS_ES: [&str; 12] = [
    "ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sept", "oct", "nov", "dic",
];

/// A date (`YYYY-MM-DD`) or local date-time (`YYYY-MM-DDTHH:MM…`) as people read it:
/// "Mar 4, 2025, 2:05 PM" / "4 mar 2025, 14:05". Anything else is shown as given.
pub fn fmt_date(lang: Lang, iso: &str) -> String {
    let num = |r: std::ops::Range<usize>| iso.get(r).and_then(|s| s.parse::<u32>().ok());
    let (Some(y), Some(m), Some(d)) = (num(0..4), num(5..7), num(8..10)) else {
        return iso.to_owned();
    };
    if !(1..=12).contains(&m) || iso.get(4..5) != Some("-") || iso.get(7..8) != Some("-") {
        return iso.to_owned();
    }
    let mi = (m - 1) as usize;
    let date = match lang {
        Lang::En => format!("{} {d}, {y}", MONTHS_EN.get(mi).unwrap_or(&"")),
        Lang::Es => format!("{d} {} {y}", MONTHS_ES.get(mi).unwrap_or(&"")),
    };
    let time = match (iso.get(10..11), num(11..13), num(14..16)) {
        (Some("T" | " "), Some(h), Some(min)) if h < 24 && min < 60 => Some((h, min)),
        _ => None,
    };
    match (time, lang) {
        (None, _) => date,
        (Some((h, min)), Lang::En) => {
            let (h12, ampm) = match h {
                0 => (12, "AM"),
                1..=11 => (h, "AM"),
                12 => (12, "PM"),
                _ => (h - 12, "PM"),
            };
            format!("{date}, {h12}:{min:02} {ampm}")
        }
        (Some((h, min)), Lang::Es) => format!("{date}, {h:02}:{min:02}"),
    }
}

static TABLE: LazyLock<HashMap<&'static str, (&'static str, &'static str)>> =
    LazyLock::new(|| TEXTS.iter().map(|(k, en, es)| (*k, (*en, *es))).collect());

/// `(key, English, Spanish)`. Spanish uses "usted", as the member services desk does.
pub(crate) static TEXTS: &[(&str, &str, &str)] = &[
    // The frame of every page
    ("brand", "Wellspring", "Wellspring"),
    (
        "skip",
        "Skip to main content",
        "Saltar al contenido principal",
    ),
    ("nav.label", "Main", "Principal"),
    ("nav.menu", "Menu", "Menú"),
    ("nav.account", "Your account", "Su cuenta"),
    (
        "nav.sharing",
        "Who can see my record",
        "Quién puede ver mi expediente",
    ),
    (
        "nav.access-log",
        "Who looked at my record",
        "Quién consultó mi expediente",
    ),
    ("nav.apps", "Connected apps", "Aplicaciones conectadas"),
    (
        "nav.security",
        "Sign-in and security",
        "Inicio de sesión y seguridad",
    ),
    ("nav.sign-out", "Sign out", "Cerrar sesión"),
    ("lang.other", "Español", "English"),
    ("lang.label", "Language", "Idioma"),
    ("actas.label", "Acting for:", "Actuando en nombre de:"),
    ("actas.choose", "Whose record", "Expediente de"),
    ("actas.submit", "Switch", "Cambiar"),
    (
        "actas.banner",
        "You are acting for {name}. What you see and do here is in their record, not yours.",
        "Está actuando en nombre de {name}. Lo que ve y hace aquí corresponde a su expediente, no al de usted.",
    ),
    (
        "actas.back",
        "Go back to my own record",
        "Volver a mi propio expediente",
    ),
    ("session.title", "Are you still there?", "¿Sigue ahí?"),
    (
        "session.body",
        "To protect your privacy, we will sign you out in {time} unless you choose to stay.",
        "Para proteger su privacidad, cerraremos su sesión en {time}, a menos que decida continuar.",
    ),
    ("session.minutes", "{n} minutes", "{n} minutos"),
    ("session.one-minute", "1 minute", "1 minuto"),
    (
        "session.under-minute",
        "less than a minute",
        "menos de un minuto",
    ),
    ("session.stay", "Stay signed in", "Seguir conectado"),
    ("flash.info", "Note:", "Aviso:"),
    ("flash.success", "Done:", "Listo:"),
    ("flash.error", "Problem:", "Problema:"),
    (
        "footer.emergency",
        "In an emergency, call 911 or go to the nearest hospital.",
        "En caso de emergencia, llame al 911 o vaya al hospital más cercano.",
    ),
    ("footer.privacy", "Privacy", "Privacidad"),
    ("errors.summary", "There is a problem", "Hay un problema"),
    ("errors.title-prefix", "Error:", "Error:"),
    ("errors.field-prefix", "Error:", "Error:"),
    ("form.optional", "(optional)", "(opcional)"),
    // Sections
    ("section.my-health", "My Health", "Mi salud"),
    ("section.record", "Medical Record", "Expediente médico"),
    ("section.messages", "Messages", "Mensajes"),
    ("section.appointments", "Appointments", "Citas"),
    ("section.pharmacy", "Pharmacy", "Farmacia"),
    ("section.billing", "Billing", "Facturación"),
    (
        "section.coverage",
        "Coverage & Benefits",
        "Cobertura y beneficios",
    ),
    ("section.get-care", "Get Care", "Obtener atención"),
    ("section.support", "Support", "Ayuda"),
    ("section.privacy", "Privacy", "Privacidad"),
    (
        "section.account",
        "Sign-in and security",
        "Inicio de sesión y seguridad",
    ),
    // Sign in
    ("signin.title", "Sign in", "Iniciar sesión"),
    (
        "signin.intro",
        "Sign in to see your health information, message your care team and manage your plan.",
        "Inicie sesión para ver su información de salud, enviar mensajes a su equipo de atención y administrar su plan.",
    ),
    ("field.email", "Email address", "Correo electrónico"),
    ("field.password", "Password", "Contraseña"),
    ("signin.submit", "Sign in", "Iniciar sesión"),
    (
        "signin.forgot",
        "Forgot password?",
        "¿Olvidó su contraseña?",
    ),
    (
        "signin.new",
        "New to Wellspring online?",
        "¿Es nuevo en Wellspring en línea?",
    ),
    (
        "signin.register",
        "Register for an account",
        "Regístrese para crear una cuenta",
    ),
    // Two-step
    ("twostep.title", "Enter your code", "Escriba su código"),
    (
        "twostep.intro",
        "Open your authenticator app and enter the 6-digit code it shows. If you can't use the app, enter one of your recovery codes.",
        "Abra su aplicación de autenticación y escriba el código de 6 dígitos que aparece. Si no puede usar la aplicación, escriba uno de sus códigos de recuperación.",
    ),
    ("field.code", "Code", "Código"),
    (
        "twostep.code-hint",
        "6 digits, or one of your recovery codes",
        "6 dígitos, o uno de sus códigos de recuperación",
    ),
    ("twostep.submit", "Continue", "Continuar"),
    ("twostep.restart", "Start over", "Empezar de nuevo"),
    // Registration
    ("register.title", "Create your account", "Cree su cuenta"),
    (
        "register.intro",
        "Have your member ID card with you. You need to be 13 or older to have your own account. After you register, the same sign-in works on the website and in the app.",
        "Tenga a mano su tarjeta de identificación de miembro. Debe tener 13 años o más para tener su propia cuenta. Después de registrarse, podrá iniciar sesión de la misma forma en el sitio web y en la aplicación.",
    ),
    (
        "field.mrn",
        "Medical record number",
        "Número de expediente médico",
    ),
    (
        "field.mrn.hint",
        "As printed on your member ID card",
        "Tal como aparece en su tarjeta de identificación de miembro",
    ),
    ("field.birth_date", "Date of birth", "Fecha de nacimiento"),
    (
        "field.birth_date.hint",
        "For example, 1985-04-27 (year, month, day)",
        "Por ejemplo, 1985-04-27 (año, mes, día)",
    ),
    ("field.given", "First name", "Nombre"),
    ("field.family", "Last name", "Apellido"),
    (
        "field.email.hint",
        "We send account notices here, never advertising.",
        "Aquí le enviaremos avisos sobre su cuenta, nunca publicidad.",
    ),
    (
        "field.mobile",
        "Mobile phone number",
        "Número de teléfono celular",
    ),
    (
        "field.mobile.hint",
        "We can send you a text if you ever forget your password.",
        "Podemos enviarle un mensaje de texto si alguna vez olvida su contraseña.",
    ),
    (
        "field.password_new",
        "Create a password",
        "Cree una contraseña",
    ),
    (
        "field.password_confirm",
        "Type the password again",
        "Vuelva a escribir la contraseña",
    ),
    ("register.submit", "Create account", "Crear cuenta"),
    (
        "register.have-account",
        "Already registered?",
        "¿Ya se registró?",
    ),
    // Password rule and problems
    (
        "password.rule",
        "Use at least {min} characters. A few words that don't belong together make a strong password that is easy to remember. Spaces, numbers and symbols are all fine, but none are required.",
        "Use al menos {min} caracteres. Unas cuantas palabras que no tengan relación entre sí forman una contraseña segura y fácil de recordar. Puede usar espacios, números y símbolos, pero no son obligatorios.",
    ),
    (
        "password.too-short",
        "Your password needs at least {min} characters.",
        "Su contraseña necesita al menos {min} caracteres.",
    ),
    (
        "password.too-long",
        "Your password can have at most {max} characters.",
        "Su contraseña puede tener como máximo {max} caracteres.",
    ),
    (
        "password.breached",
        "This password has shown up in a data leak on another website, so others could guess it. Please choose a different one.",
        "Esta contraseña apareció en una filtración de datos de otro sitio web, así que otras personas podrían adivinarla. Elija otra, por favor.",
    ),
    (
        "password.repetitive",
        "This password repeats itself or follows a simple pattern, like \"aaaa\" or \"1234\". Please choose one that is harder to guess.",
        "Esta contraseña se repite o sigue un patrón sencillo, como \"aaaa\" o \"1234\". Elija una que sea más difícil de adivinar, por favor.",
    ),
    (
        "password.context",
        "This password contains your name, your email or the word Wellspring. Please choose one that others can't guess from what they know about you.",
        "Esta contraseña contiene su nombre, su correo electrónico o la palabra Wellspring. Elija una que otras personas no puedan adivinar con lo que saben de usted, por favor.",
    ),
    (
        "password.mismatch",
        "The two passwords don't match. Type the same password in both boxes.",
        "Las dos contraseñas no coinciden. Escriba la misma contraseña en ambos campos.",
    ),
    (
        "password.other",
        "Please choose a different password.",
        "Elija otra contraseña, por favor.",
    ),
    // Sign-in and reset outcomes
    (
        "auth.bad-credentials",
        "The email address or password is not right. Check them and try again.",
        "El correo electrónico o la contraseña no son correctos. Revíselos e inténtelo de nuevo.",
    ),
    (
        "auth.locked",
        "For your safety, we paused sign-in after several tries that didn't work. Try again in {minutes} minutes, or reset your password to unlock your account now.",
        "Por su seguridad, pausamos el inicio de sesión después de varios intentos fallidos. Inténtelo de nuevo en {minutes} minutos, o restablezca su contraseña para desbloquear su cuenta ahora.",
    ),
    (
        "auth.throttled",
        "There have been too many sign-in tries from here. Please wait {minutes} minutes and try again.",
        "Ha habido demasiados intentos de inicio de sesión desde aquí. Espere {minutes} minutos e inténtelo de nuevo, por favor.",
    ),
    (
        "auth.registration-refused",
        "We could not match those details to a member record. Check them against your member ID card and try again, or call Member Services at the number on the back of the card.",
        "No pudimos encontrar un expediente de miembro con esos datos. Compárelos con su tarjeta de identificación de miembro e inténtelo de nuevo, o llame a Servicios para Miembros al número que aparece en el reverso de la tarjeta.",
    ),
    (
        "auth.under-13",
        "Members under 13 can't have their own account. A parent or legal guardian can ask for caregiver access to help manage the child's care.",
        "Los miembros menores de 13 años no pueden tener su propia cuenta. Su madre, padre o tutor legal puede solicitar acceso como cuidador para ayudar a administrar su atención.",
    ),
    (
        "auth.reset-sent",
        "If that email address or mobile number belongs to an account, we have sent it a link to choose a new password. The link works once and for a short time. If nothing arrives in a few minutes, check your spam folder or try again.",
        "Si ese correo electrónico o número celular pertenece a una cuenta, le enviamos un enlace para elegir una nueva contraseña. El enlace funciona una sola vez y por poco tiempo. Si no recibe nada en unos minutos, revise su carpeta de correo no deseado o inténtelo de nuevo.",
    ),
    (
        "auth.reset-invalid",
        "This link doesn't work. It may not have been copied completely. Please ask for a new one.",
        "Este enlace no funciona. Es posible que no se haya copiado completo. Solicite uno nuevo, por favor.",
    ),
    (
        "auth.reset-expired",
        "This link has expired. For your safety, links only work for a short time. Please ask for a new one.",
        "Este enlace ya venció. Por su seguridad, los enlaces funcionan solo por poco tiempo. Solicite uno nuevo, por favor.",
    ),
    (
        "auth.reset-used",
        "This link has already been used. If you didn't change your password yourself, ask for a new link and call Member Services.",
        "Este enlace ya se usó. Si usted no cambió su contraseña, solicite un enlace nuevo y llame a Servicios para Miembros.",
    ),
    (
        "auth.two-step-wrong",
        "That code didn't work. The code changes every 30 seconds, so enter the newest one, or use a recovery code.",
        "Ese código no funcionó. El código cambia cada 30 segundos; escriba el más reciente o use un código de recuperación.",
    ),
    (
        "auth.disabled",
        "This account is turned off. Please call Member Services at the number on the back of your member ID card, and we will help you.",
        "Esta cuenta está desactivada. Llame a Servicios para Miembros al número que aparece en el reverso de su tarjeta de miembro y le ayudaremos.",
    ),
    (
        "auth.already-registered",
        "You already have an account. Sign in, or reset your password if you don't remember it.",
        "Usted ya tiene una cuenta. Inicie sesión o restablezca su contraseña si no la recuerda.",
    ),
    (
        "auth.email-in-use",
        "Another account already uses this email address. Please use a different one.",
        "Otra cuenta ya usa este correo electrónico. Use otro, por favor.",
    ),
    // Notices after an action, and refusals
    (
        "register.done",
        "Your account is ready. Please sign in.",
        "Su cuenta está lista. Inicie sesión, por favor.",
    ),
    (
        "reset.done",
        "Your new password is saved. Please sign in with it.",
        "Guardamos su nueva contraseña. Inicie sesión con ella, por favor.",
    ),
    (
        "sharing.revoked",
        "Access removed. That person can no longer see your record.",
        "Acceso eliminado. Esa persona ya no puede ver su expediente.",
    ),
    (
        "sharing.invited",
        "Invitation sent. After they create their own account, they will be able to see your record.",
        "Invitación enviada. Después de crear su propia cuenta, esa persona podrá ver su expediente.",
    ),
    (
        "sharing.authorize-required",
        "Check the box to confirm that you authorize this person",
        "Marque la casilla para confirmar que autoriza a esta persona",
    ),
    (
        "sharing.invalid-email",
        "Enter the email address of the person you are inviting, like name@example.com",
        "Escriba el correo electrónico de la persona que invita, como nombre@ejemplo.com",
    ),
    (
        "sharing.caregiver-under-18",
        "A caregiver needs to be 18 or older.",
        "Un cuidador debe tener 18 años o más.",
    ),
    (
        "sharing.too-many",
        "You have sent as many invitations as one account may send in a day. Please try again tomorrow.",
        "Ya envió todas las invitaciones que una cuenta puede enviar en un día. Vuelva a intentarlo mañana.",
    ),
    (
        "sharing.not-allowed",
        "We can't set up caregiver access for this record online. Please call Member Services and we will help.",
        "No podemos dar acceso de cuidador a este expediente en línea. Llame a Servicios para Miembros y le ayudaremos.",
    ),
    (
        "apps.disconnected",
        "App disconnected. It can no longer get your information.",
        "Aplicación desconectada. Ya no puede obtener su información.",
    ),
    (
        "security.password-changed",
        "Your password has been changed.",
        "Cambiamos su contraseña.",
    ),
    (
        "security.two-step-on",
        "Two-step verification is on.",
        "La verificación en dos pasos está activada.",
    ),
    (
        "security.two-step-off",
        "Two-step verification is off.",
        "La verificación en dos pasos está desactivada.",
    ),
    (
        "error.csrf",
        "This page was open for a long time or the form was sent twice. Please go back, reload the page and try again.",
        "Esta página estuvo abierta mucho tiempo o el formulario se envió dos veces. Regrese, vuelva a cargar la página e inténtelo de nuevo, por favor.",
    ),
    (
        "error.forbidden",
        "You don't have permission to see this or do this. If you think that is a mistake, call Member Services.",
        "No tiene permiso para ver o hacer esto. Si cree que es un error, llame a Servicios para Miembros.",
    ),
    (
        "error.internal",
        "Something on our side didn't work.",
        "Algo no funcionó de nuestro lado.",
    ),
    // Field problems
    (
        "required.mrn",
        "Enter your medical record number",
        "Escriba su número de expediente médico",
    ),
    (
        "required.birth_date",
        "Enter your date of birth",
        "Escriba su fecha de nacimiento",
    ),
    (
        "required.given",
        "Enter your first name",
        "Escriba su nombre",
    ),
    (
        "required.family",
        "Enter your last name",
        "Escriba su apellido",
    ),
    (
        "required.email",
        "Enter an email address",
        "Escriba un correo electrónico",
    ),
    (
        "required.mobile",
        "Enter a mobile phone number",
        "Escriba un número de teléfono celular",
    ),
    (
        "required.password",
        "Enter a password",
        "Escriba una contraseña",
    ),
    (
        "required.password_confirm",
        "Type the password again",
        "Vuelva a escribir la contraseña",
    ),
    (
        "required.current_password",
        "Enter your current password",
        "Escriba su contraseña actual",
    ),
    ("required.code", "Enter the code", "Escriba el código"),
    (
        "required.full_name",
        "Enter their full name",
        "Escriba el nombre completo de la persona",
    ),
    (
        "required.authorize",
        "Check the box to confirm that you authorize this person",
        "Marque la casilla para confirmar que autoriza a esta persona",
    ),
    (
        "required.other",
        "Please fill in this answer",
        "Complete esta respuesta, por favor",
    ),
    (
        "invalid.email",
        "Enter an email address like name@example.com",
        "Escriba un correo electrónico como nombre@ejemplo.com",
    ),
    (
        "invalid.mobile",
        "Enter a mobile number with its area code, like 510 555 0123",
        "Escriba un número celular con su código de área, como 510 555 0123",
    ),
    (
        "invalid.date",
        "Enter a real date as year-month-day, like 1985-04-27",
        "Escriba una fecha válida como año-mes-día, por ejemplo 1985-04-27",
    ),
    (
        "invalid.other",
        "Please check this answer",
        "Revise esta respuesta, por favor",
    ),
    // Forgot and reset password
    (
        "forgot.title",
        "Reset your password",
        "Restablezca su contraseña",
    ),
    (
        "forgot.intro",
        "Enter the email address or mobile number on your account. We'll send you a link to choose a new password.",
        "Escriba el correo electrónico o el número celular de su cuenta. Le enviaremos un enlace para elegir una nueva contraseña.",
    ),
    (
        "field.identifier",
        "Email address or mobile number",
        "Correo electrónico o número celular",
    ),
    ("forgot.submit", "Send me a link", "Envíenme un enlace"),
    (
        "forgot.sent.title",
        "Check your email or phone",
        "Revise su correo o su teléfono",
    ),
    ("forgot.back", "Back to sign in", "Volver a iniciar sesión"),
    (
        "verify.done.title",
        "Your email address is confirmed",
        "Su correo electrónico está confirmado",
    ),
    (
        "verify.done.body",
        "Thank you. Invitations sent to this address, such as caregiver access someone gave you, are now on your account.",
        "Gracias. Las invitaciones enviadas a esta dirección, como el acceso de cuidador que alguien le dio, ya están en su cuenta.",
    ),
    (
        "verify.problem.body",
        "This confirmation link is not valid, was already used or has expired. Ask for a password reset link: using it also confirms your email address.",
        "Este enlace de confirmación no es válido, ya se usó o venció. Pida un enlace para restablecer la contraseña: al usarlo también se confirma su correo electrónico.",
    ),
    (
        "reset.title",
        "Choose a new password",
        "Elija una nueva contraseña",
    ),
    ("field.password_reset", "New password", "Nueva contraseña"),
    (
        "reset.submit",
        "Save new password",
        "Guardar la nueva contraseña",
    ),
    (
        "reset.problem.title",
        "This link can't be used",
        "Este enlace no se puede usar",
    ),
    (
        "reset.request-new",
        "Ask for a new link",
        "Solicitar un enlace nuevo",
    ),
    // Home
    ("home.greeting", "Hello, {name}", "Hola, {name}"),
    (
        "home.intro",
        "What would you like to do today?",
        "¿Qué le gustaría hacer hoy?",
    ),
    (
        "card.record",
        "Test results, medications, allergies, immunizations and visit notes.",
        "Resultados de pruebas, medicamentos, alergias, vacunas y notas de visitas.",
    ),
    (
        "card.messages",
        "Write to your care team and read their replies.",
        "Escriba a su equipo de atención y lea sus respuestas.",
    ),
    (
        "card.appointments",
        "See your upcoming visits, book a new one or cancel.",
        "Vea sus próximas visitas, programe una nueva o cancele.",
    ),
    (
        "card.pharmacy",
        "Refill prescriptions and have them mailed to your home.",
        "Vuelva a surtir sus recetas y recíbalas en su casa por correo.",
    ),
    (
        "card.billing",
        "See and pay your bills and premiums.",
        "Vea y pague sus facturas y primas.",
    ),
    (
        "card.coverage",
        "Your plan, your member ID card and what your care will cost.",
        "Su plan, su tarjeta de miembro y cuánto costará su atención.",
    ),
    (
        "card.get-care",
        "Find the right care: same-day visits, urgent care and advice.",
        "Encuentre la atención adecuada: citas el mismo día, atención urgente y consejos.",
    ),
    (
        "card.support",
        "Answers to common questions and ways to reach us.",
        "Respuestas a preguntas frecuentes y formas de comunicarse con nosotros.",
    ),
    (
        "card.privacy",
        "Choose who can see your record and see who has looked at it.",
        "Decida quién puede ver su expediente y vea quién lo ha consultado.",
    ),
    (
        "card.account",
        "Your password, two-step verification and where you are signed in.",
        "Su contraseña, la verificación en dos pasos y dónde tiene la sesión iniciada.",
    ),
    // Sections still to come
    ("soon.badge", "Coming soon", "Próximamente"),
    (
        "soon.list",
        "What you will be able to do here:",
        "Lo que podrá hacer aquí:",
    ),
    (
        "soon.meanwhile",
        "Until then, call Member Services at the number on the back of your member ID card. We are glad to help.",
        "Mientras tanto, llame a Servicios para Miembros al número que aparece en el reverso de su tarjeta de miembro. Con gusto le ayudaremos.",
    ),
    ("soon.home", "Back to My Health", "Volver a Mi salud"),
    (
        "soon.record.about",
        "This is where you will find your health record, in plain words.",
        "Aquí encontrará su expediente médico, en palabras sencillas.",
    ),
    (
        "soon.record.1",
        "See test results as soon as they are ready, with the normal range and earlier results",
        "Ver los resultados de sus pruebas en cuanto estén listos, con el rango normal y los resultados anteriores",
    ),
    (
        "soon.record.2",
        "Check your medications, allergies and health problems",
        "Revisar sus medicamentos, alergias y problemas de salud",
    ),
    (
        "soon.record.3",
        "See your immunizations and print a record of them",
        "Ver sus vacunas e imprimir un registro",
    ),
    (
        "soon.record.4",
        "Read notes and summaries from your visits",
        "Leer las notas y los resúmenes de sus visitas",
    ),
    (
        "soon.messages.about",
        "This is where you will write to your care team and get their replies.",
        "Aquí podrá escribir a su equipo de atención y recibir sus respuestas.",
    ),
    (
        "soon.messages.1",
        "Send a message to your doctor's office about a question that is not urgent",
        "Enviar un mensaje al consultorio de su médico sobre una pregunta que no sea urgente",
    ),
    (
        "soon.messages.2",
        "Read replies and letters from your care team",
        "Leer las respuestas y cartas de su equipo de atención",
    ),
    (
        "soon.messages.3",
        "Ask Member Services about your plan; we answer within 3 business days",
        "Preguntar a Servicios para Miembros sobre su plan; respondemos en un plazo de 3 días hábiles",
    ),
    (
        "soon.appointments.about",
        "This is where you will see and book your visits.",
        "Aquí podrá ver y programar sus visitas.",
    ),
    (
        "soon.appointments.1",
        "See your upcoming and past visits",
        "Ver sus visitas próximas y pasadas",
    ),
    (
        "soon.appointments.2",
        "Book primary care, lab and some specialty visits, in person, by phone or by video",
        "Programar visitas de atención primaria, laboratorio y algunas especialidades, en persona, por teléfono o por video",
    ),
    (
        "soon.appointments.3",
        "Cancel or change a visit, and get text reminders",
        "Cancelar o cambiar una visita y recibir recordatorios por mensaje de texto",
    ),
    (
        "soon.pharmacy.about",
        "This is where you will manage your prescriptions.",
        "Aquí podrá administrar sus recetas.",
    ),
    (
        "soon.pharmacy.1",
        "Refill prescriptions with one button",
        "Volver a surtir sus recetas con un solo botón",
    ),
    (
        "soon.pharmacy.2",
        "Get them by mail in 3 to 5 business days at no extra cost",
        "Recibirlas por correo en 3 a 5 días hábiles sin costo adicional",
    ),
    (
        "soon.pharmacy.3",
        "See when a refill is possible and ask for a renewal",
        "Ver cuándo puede volver a surtir una receta y pedir una renovación",
    ),
    (
        "soon.billing.about",
        "This is where you will see and pay what you owe.",
        "Aquí podrá ver y pagar lo que debe.",
    ),
    (
        "soon.billing.1",
        "Pay your premium and medical bills online",
        "Pagar su prima y sus facturas médicas en línea",
    ),
    (
        "soon.billing.2",
        "See your billing history",
        "Ver su historial de facturación",
    ),
    (
        "soon.billing.3",
        "Keep a card on file for mail-order prescriptions",
        "Guardar una tarjeta para las recetas por correo",
    ),
    (
        "soon.coverage.about",
        "This is where you will see what your plan covers.",
        "Aquí podrá ver lo que cubre su plan.",
    ),
    (
        "soon.coverage.1",
        "Check that your coverage is active and who is covered",
        "Confirmar que su cobertura está activa y quiénes están cubiertos",
    ),
    (
        "soon.coverage.2",
        "Show your digital member ID card (on most plans)",
        "Mostrar su tarjeta de miembro digital (en la mayoría de los planes)",
    ),
    (
        "soon.coverage.3",
        "See your deductible, what you have spent so far and cost estimates",
        "Ver su deducible, lo que ha gastado hasta ahora y estimados de costos",
    ),
    (
        "soon.get-care.about",
        "This is where you will find the right care at the right time.",
        "Aquí encontrará la atención adecuada en el momento adecuado.",
    ),
    (
        "soon.get-care.1",
        "Book a same-day visit for problems that are not emergencies",
        "Programar una cita para el mismo día por problemas que no sean emergencias",
    ),
    (
        "soon.get-care.2",
        "Find urgent care for problems that need attention soon",
        "Encontrar atención urgente para problemas que necesitan atención pronto",
    ),
    (
        "soon.get-care.3",
        "Get advice from a nurse and find care when you are away from home",
        "Recibir consejos de una enfermera y encontrar atención cuando esté lejos de casa",
    ),
    (
        "soon.support.about",
        "This is where you will find answers and ways to reach us.",
        "Aquí encontrará respuestas y formas de comunicarse con nosotros.",
    ),
    (
        "soon.support.1",
        "Answers about bills, your plan, passwords and caregiver access",
        "Respuestas sobre facturas, su plan, contraseñas y acceso de cuidadores",
    ),
    (
        "soon.support.2",
        "Help with care away from home",
        "Ayuda con la atención cuando está lejos de casa",
    ),
    (
        "soon.support.3",
        "Support after the loss of a loved one",
        "Apoyo después de la pérdida de un ser querido",
    ),
    (
        "getcare.emergency.title",
        "Is this an emergency?",
        "¿Es una emergencia?",
    ),
    (
        "getcare.emergency",
        "If you think you have a medical emergency, call 911 or go to the nearest hospital now. Don't use this website or send a message for an emergency. Emergency care is covered anywhere, even away from home.",
        "Si cree que tiene una emergencia médica, llame al 911 o vaya ahora al hospital más cercano. No use este sitio web ni envíe un mensaje en caso de emergencia. La atención de emergencia está cubierta en cualquier lugar, incluso lejos de casa.",
    ),
    // Who can see my record
    (
        "sharing.title",
        "Who can see my record",
        "Quién puede ver mi expediente",
    ),
    (
        "sharing.intro",
        "These people can see your record and act for you here. You can remove anyone's access at any time.",
        "Estas personas pueden ver su expediente y actuar en su nombre aquí. Puede quitarle el acceso a cualquiera en cualquier momento.",
    ),
    (
        "sharing.heading",
        "People with access to my record",
        "Personas con acceso a mi expediente",
    ),
    (
        "sharing.none",
        "No one else can see your record.",
        "Nadie más puede ver su expediente.",
    ),
    ("col.name", "Name", "Nombre"),
    ("col.relationship", "Relationship", "Relación"),
    ("col.access", "Access", "Acceso"),
    ("col.since", "Since", "Desde"),
    ("col.expires", "Ends", "Termina"),
    ("col.action", "Remove", "Quitar"),
    ("sharing.no-end", "No end date", "Sin fecha de fin"),
    (
        "sharing.revoke",
        "Remove access for {name}",
        "Quitar el acceso a {name}",
    ),
    ("access.full", "Full record", "Todo el expediente"),
    (
        "access.full-except-sensitive",
        "Full record, except sensitive care",
        "Todo el expediente, excepto la atención delicada",
    ),
    (
        "access.limited",
        "Limited (teen access)",
        "Limitado (acceso de adolescente)",
    ),
    ("rel.self", "You", "Usted"),
    ("rel.child", "Child", "Hijo o hija"),
    ("rel.teen", "Teen", "Adolescente"),
    ("rel.caregiver", "Caregiver", "Cuidador"),
    ("rel.legal", "Legal representative", "Representante legal"),
    ("rel.parent", "Parent", "Madre o padre"),
    ("rel.spouse", "Spouse or partner", "Cónyuge o pareja"),
    (
        "invite.title",
        "Invite a caregiver",
        "Invitar a un cuidador",
    ),
    (
        "invite.intro",
        "A caregiver can be a family member or friend who is 18 or older. They don't need to be a Wellspring member, but they will create their own account. Their access lasts 18 months unless you renew it.",
        "Un cuidador puede ser un familiar o amigo de 18 años o más. No necesita ser miembro de Wellspring, pero deberá crear su propia cuenta. Su acceso dura 18 meses, a menos que usted lo renueve.",
    ),
    (
        "field.invite_email",
        "Their email address",
        "Correo electrónico de la persona",
    ),
    (
        "field.full_name",
        "Their full name",
        "Nombre completo de la persona",
    ),
    ("invite.access", "What they will see", "Lo que podrá ver"),
    (
        "invite.access.text",
        "Your whole record, except sensitive care: sexual and reproductive health, mental health, and substance use care.",
        "Todo su expediente, excepto la atención delicada: salud sexual y reproductiva, salud mental y atención por consumo de sustancias.",
    ),
    (
        "invite.authorize",
        "I authorize this person to see my health information and act for me on this website, as described above. I can remove their access at any time.",
        "Autorizo a esta persona a ver mi información de salud y a actuar en mi nombre en este sitio web, como se describe arriba. Puedo quitarle el acceso en cualquier momento.",
    ),
    ("invite.submit", "Send invitation", "Enviar invitación"),
    (
        "actfor.title",
        "People I can act for",
        "Personas en cuyo nombre puedo actuar",
    ),
    (
        "actfor.intro",
        "You can switch to these people's records with \"Acting for\" at the top of the page.",
        "Puede cambiar al expediente de estas personas con \"Actuando en nombre de\" en la parte superior de la página.",
    ),
    (
        "actfor.none",
        "You can't act for anyone else yet.",
        "Todavía no puede actuar en nombre de nadie más.",
    ),
    // Who looked at my record
    (
        "log.title",
        "Who looked at my record",
        "Quién consultó mi expediente",
    ),
    (
        "log.intro",
        "Every time someone opens or changes your record, we write down who, when and why. This list shows the newest first.",
        "Cada vez que alguien abre o cambia su expediente, anotamos quién, cuándo y por qué. Esta lista muestra primero lo más reciente.",
    ),
    ("log.filter", "Choose dates", "Elegir fechas"),
    ("field.from", "From", "Desde"),
    ("field.to", "To", "Hasta"),
    ("log.filter.submit", "Show", "Mostrar"),
    (
        "log.none",
        "No one looked at your record in this period.",
        "Nadie consultó su expediente en este período.",
    ),
    ("log.col.when", "When", "Cuándo"),
    (
        "log.refused",
        "tried, but was refused: nothing was shown",
        "lo intentó, pero se le negó: no se mostró nada",
    ),
    ("log.col.who", "Who", "Quién"),
    ("log.col.what", "What", "Qué"),
    ("log.col.why", "Why", "Por qué"),
    ("log.col.where", "From where", "Desde dónde"),
    ("log.pages", "More entries", "Más registros"),
    ("log.newer", "Newer entries", "Registros más recientes"),
    ("log.older", "Older entries", "Registros anteriores"),
    ("log.page", "Page {n}", "Página {n}"),
    ("actor.me", "You", "Usted"),
    ("actor.person", "Caregiver", "Cuidador"),
    ("actor.staff", "Wellspring staff", "Personal de Wellspring"),
    ("actor.app", "App", "Aplicación"),
    ("actor.system", "Automatic process", "Proceso automático"),
    ("action.read", "Viewed", "Consultó"),
    ("action.search", "Searched", "Buscó"),
    ("action.create", "Added", "Agregó"),
    ("action.update", "Changed", "Cambió"),
    ("action.delete", "Removed", "Eliminó"),
    ("action.export", "Downloaded", "Descargó"),
    ("action.print", "Printed", "Imprimió"),
    ("rt.*", "whole record", "todo el expediente"),
    ("rt.Patient", "personal details", "datos personales"),
    (
        "rt.Observation",
        "test results and vital signs",
        "resultados de pruebas y signos vitales",
    ),
    ("rt.DiagnosticReport", "test reports", "informes de pruebas"),
    ("rt.Condition", "health problems", "problemas de salud"),
    ("rt.AllergyIntolerance", "allergies", "alergias"),
    ("rt.MedicationRequest", "prescriptions", "recetas"),
    (
        "rt.MedicationDispense",
        "filled prescriptions",
        "recetas surtidas",
    ),
    ("rt.Immunization", "immunizations", "vacunas"),
    ("rt.Encounter", "visits", "visitas"),
    ("rt.Procedure", "procedures", "procedimientos"),
    (
        "rt.DocumentReference",
        "documents and notes",
        "documentos y notas",
    ),
    ("rt.CarePlan", "care plans", "planes de atención"),
    ("rt.Appointment", "appointments", "citas"),
    ("rt.Communication", "messages", "mensajes"),
    ("rt.Coverage", "coverage details", "datos de cobertura"),
    (
        "rt.ExplanationOfBenefit",
        "claims and explanations of benefits",
        "reclamaciones y explicaciones de beneficios",
    ),
    ("rt.Claim", "claims", "reclamaciones"),
    (
        "rt.Practitioner",
        "care team details",
        "datos del equipo de atención",
    ),
    ("purpose.treatment", "Your care", "Su atención médica"),
    (
        "purpose.payment",
        "Payment and claims",
        "Pagos y reclamaciones",
    ),
    (
        "purpose.operations",
        "Running the health plan (quality checks, audits)",
        "Administración del plan de salud (controles de calidad, auditorías)",
    ),
    (
        "purpose.patient-request",
        "Your own request",
        "Su propia solicitud",
    ),
    ("purpose.proxy", "Caregiver access", "Acceso de cuidador"),
    (
        "purpose.app",
        "An app you connected",
        "Una aplicación que usted conectó",
    ),
    (
        "purpose.emergency",
        "Emergency care",
        "Atención de emergencia",
    ),
    ("purpose.legal", "Required by law", "Requerido por la ley"),
    ("purpose.public-health", "Public health", "Salud pública"),
    // Connected apps and scopes
    ("apps.title", "Connected apps", "Aplicaciones conectadas"),
    (
        "apps.intro",
        "These apps can get your health information because you, or someone acting for you, allowed it. Disconnecting an app stops it from getting anything new. It can't erase what the app already copied; ask the app's makers about that.",
        "Estas aplicaciones pueden obtener su información de salud porque usted, o alguien que actúa en su nombre, lo permitió. Al desconectar una aplicación, ya no podrá obtener nada nuevo. Esto no borra lo que la aplicación ya copió; consulte con quienes la crearon.",
    ),
    (
        "apps.none",
        "You haven't connected any apps.",
        "No ha conectado ninguna aplicación.",
    ),
    ("apps.granted", "Connected on {date}", "Conectada el {date}"),
    ("apps.can", "It can:", "Puede:"),
    ("apps.disconnect", "Disconnect {name}", "Desconectar {name}"),
    (
        "scope.openid",
        "Confirm who you are",
        "Confirmar quién es usted",
    ),
    (
        "scope.fhirUser",
        "Know your name and your account",
        "Conocer su nombre y su cuenta",
    ),
    (
        "scope.profile",
        "Know your name and your account",
        "Conocer su nombre y su cuenta",
    ),
    (
        "scope.offline_access",
        "Keep getting updates when you're not using it, until you disconnect it",
        "Seguir recibiendo información cuando usted no la esté usando, hasta que la desconecte",
    ),
    (
        "scope.online_access",
        "Get updates only while you're using it",
        "Recibir información solo mientras usted la use",
    ),
    (
        "scope.launch/patient",
        "Know whose record you chose",
        "Saber qué expediente eligió",
    ),
    ("scope.read", "See your {what}", "Ver sus {what}"),
    (
        "scope.write",
        "Add or change your {what}",
        "Agregar o cambiar sus {what}",
    ),
    (
        "scope.readwrite",
        "See, add and change your {what}",
        "Ver, agregar y cambiar sus {what}",
    ),
    (
        "scope.all.read",
        "See your whole health record",
        "Ver todo su expediente médico",
    ),
    (
        "scope.all.write",
        "Add to or change your whole health record",
        "Agregar o cambiar información en todo su expediente médico",
    ),
    (
        "scope.all.readwrite",
        "See, add to and change your whole health record",
        "Ver, agregar y cambiar información en todo su expediente médico",
    ),
    (
        "scope.other",
        "Other access: {scope}",
        "Otro acceso: {scope}",
    ),
    // SMART consent
    (
        "consent.title",
        "Allow {app} to get your health information?",
        "¿Permitir que {app} obtenga su información de salud?",
    ),
    (
        "consent.not-ours.title",
        "This app is not run by Wellspring",
        "Esta aplicación no es de Wellspring",
    ),
    (
        "consent.not-ours",
        "Once you share, the app's own privacy policy decides how your information is used, and health privacy law (HIPAA) may not protect it there. Only share with apps you trust.",
        "Una vez que comparta, la política de privacidad de la aplicación decide cómo se usa su información, y la ley de privacidad de la salud (HIPAA) podría no protegerla allí. Comparta solo con aplicaciones de su confianza.",
    ),
    (
        "consent.redirect",
        "After you choose, we will send you back to {host}.",
        "Después de que elija, lo enviaremos de regreso a {host}.",
    ),
    (
        "consent.wants",
        "The app is asking to:",
        "La aplicación pide permiso para:",
    ),
    (
        "consent.whose",
        "Whose record should the app get?",
        "¿Qué expediente debe obtener la aplicación?",
    ),
    ("consent.allow", "Allow", "Permitir"),
    ("consent.deny", "Don't allow", "No permitir"),
    (
        "consent.later",
        "You can disconnect the app at any time under Connected apps.",
        "Puede desconectar la aplicación en cualquier momento en Aplicaciones conectadas.",
    ),
    // Sign-in and security
    (
        "security.title",
        "Sign-in and security",
        "Inicio de sesión y seguridad",
    ),
    (
        "twostep.section",
        "Two-step verification",
        "Verificación en dos pasos",
    ),
    (
        "twostep.on",
        "On. When you sign in, we ask for a code from your authenticator app.",
        "Activada. Cuando inicia sesión, le pedimos un código de su aplicación de autenticación.",
    ),
    (
        "twostep.off",
        "Off. Turn it on to keep your account safer: someone who learns your password still can't sign in without your phone.",
        "Desactivada. Actívela para proteger mejor su cuenta: alguien que sepa su contraseña no podrá iniciar sesión sin su teléfono.",
    ),
    (
        "twostep.start",
        "Set up two-step verification",
        "Configurar la verificación en dos pasos",
    ),
    (
        "twostep.setup.step1",
        "Open an authenticator app on your phone and add a new account. Type in this key:",
        "Abra una aplicación de autenticación en su teléfono y agregue una cuenta nueva. Escriba esta clave:",
    ),
    (
        "twostep.setup.uri",
        "If your app accepts a setup link, you can use this instead:",
        "Si su aplicación acepta un enlace de configuración, puede usar este en su lugar:",
    ),
    (
        "twostep.setup.step2",
        "Then enter the 6-digit code the app shows.",
        "Luego escriba el código de 6 dígitos que muestra la aplicación.",
    ),
    ("twostep.setup.code-hint", "6 digits", "6 dígitos"),
    (
        "twostep.setup.submit",
        "Turn on two-step verification",
        "Activar la verificación en dos pasos",
    ),
    (
        "twostep.disable",
        "Turn off two-step verification",
        "Desactivar la verificación en dos pasos",
    ),
    (
        "twostep.disable.note",
        "Turning it off makes your account easier to break into.",
        "Desactivarla hace que su cuenta sea más fácil de atacar.",
    ),
    (
        "recovery.title",
        "Your recovery codes",
        "Sus códigos de recuperación",
    ),
    (
        "recovery.intro",
        "Save these codes somewhere safe, like a password manager or a printed copy. If you lose your phone, each code lets you sign in once. We will not show them again.",
        "Guarde estos códigos en un lugar seguro, como un administrador de contraseñas o una copia impresa. Si pierde su teléfono, cada código le permite iniciar sesión una vez. No los volveremos a mostrar.",
    ),
    (
        "password.change.title",
        "Change your password",
        "Cambie su contraseña",
    ),
    (
        "field.current_password",
        "Current password",
        "Contraseña actual",
    ),
    (
        "password.change.submit",
        "Change password",
        "Cambiar contraseña",
    ),
    (
        "signout-all.title",
        "Sign out everywhere",
        "Cerrar sesión en todas partes",
    ),
    (
        "signout-all.intro",
        "This signs you out on every computer, phone and tablet, including this one. Use it if you signed in on a shared computer or lost a device.",
        "Esto cierra su sesión en todas las computadoras, teléfonos y tabletas, incluida esta. Úselo si inició sesión en una computadora compartida o perdió un dispositivo.",
    ),
    (
        "signout-all.submit",
        "Sign out everywhere",
        "Cerrar sesión en todas partes",
    ),
    // Errors
    ("error.title", "Something went wrong", "Algo salió mal"),
    (
        "error.try-again",
        "Please try again in a few minutes. If it keeps happening, call Member Services at the number on the back of your member ID card.",
        "Inténtelo de nuevo en unos minutos, por favor. Si sigue ocurriendo, llame a Servicios para Miembros al número que aparece en el reverso de su tarjeta de miembro.",
    ),
    (
        "error.status",
        "Error code: {status}",
        "Código de error: {status}",
    ),
    ("error.home", "Go to My Health", "Ir a Mi salud"),
    (
        "notfound.title",
        "Page not found",
        "No encontramos la página",
    ),
    (
        "notfound.body",
        "We can't find that page. It may have moved, or the address may have a typo.",
        "No encontramos esa página. Es posible que se haya movido o que la dirección tenga un error.",
    ),
    // Coverage pages (issue 5)
    (
        "cov.title",
        "Coverage and benefits",
        "Cobertura y beneficios",
    ),
    ("cov.for", "For", "Para"),
    (
        "cov.check.title",
        "Is my coverage active?",
        "¿Está activa mi cobertura?",
    ),
    ("cov.check.date", "Date to check", "Fecha a consultar"),
    ("cov.check.submit", "Check coverage", "Consultar cobertura"),
    ("cov.plan", "Plan", "Plan"),
    ("cov.effective", "Effective", "Vigencia"),
    ("cov.group", "Group", "Grupo"),
    (
        "cov.pcp",
        "Primary care physician",
        "Médico de atención primaria",
    ),
    (
        "cov.benefits.title",
        "My plan and benefits",
        "Mi plan y mis beneficios",
    ),
    ("cov.tier", "tier", "nivel"),
    ("cov.year", "benefit year", "año de beneficios"),
    ("cov.deductible", "Deductible", "Deducible"),
    (
        "cov.oop",
        "Out-of-pocket maximum",
        "Máximo de gastos de bolsillo",
    ),
    (
        "cov.pay.caption",
        "What you pay in network",
        "Lo que usted paga dentro de la red",
    ),
    ("cov.service", "Service", "Servicio"),
    ("cov.you-pay", "You pay", "Usted paga"),
    ("cov.extras.caption", "Other benefits", "Otros beneficios"),
    ("cov.benefit", "Benefit", "Beneficio"),
    ("cov.limits", "Limits and notes", "Límites y notas"),
    (
        "cov.preventive",
        "Preventive care in network costs $0. Emergencies are covered anywhere: call 911 or go to the nearest hospital.",
        "La atención preventiva dentro de la red cuesta $0. Las emergencias están cubiertas en cualquier lugar: llame al 911 o vaya al hospital más cercano.",
    ),
    (
        "cov.family.title",
        "My family's coverage",
        "La cobertura de mi familia",
    ),
    (
        "cov.family.none",
        "No one else is covered with you.",
        "Nadie más está cubierto con usted.",
    ),
    ("cov.name", "Name", "Nombre"),
    ("cov.relationship", "Relationship", "Parentesco"),
    ("cov.covered", "Covered", "Cubierto"),
    ("cov.status", "Status", "Estado"),
    (
        "cov.link.add",
        "Add a family member (newborn, adopted child, spouse)",
        "Agregar a un familiar (recién nacido, hijo adoptado, cónyuge)",
    ),
    (
        "cov.link.card",
        "Digital member ID card",
        "Tarjeta de miembro digital",
    ),
    (
        "cov.link.areas",
        "Care away from home: areas of care",
        "Atención fuera de casa: áreas de atención",
    ),
    ("cov.change.title", "Change plan", "Cambiar de plan"),
    ("cov.change.plan", "New plan", "Plan nuevo"),
    ("cov.change.reason", "Reason", "Motivo"),
    ("cov.change.oe", "Open enrollment", "Inscripción abierta"),
    ("cov.event.marriage", "Marriage", "Matrimonio"),
    (
        "cov.event.birth",
        "Birth of a child",
        "Nacimiento de un hijo",
    ),
    ("cov.event.adoption", "Adoption", "Adopción"),
    (
        "cov.event.loss",
        "Loss of other coverage",
        "Pérdida de otra cobertura",
    ),
    ("cov.event.move", "Permanent move", "Mudanza permanente"),
    (
        "cov.change.date",
        "Date of the event (if any)",
        "Fecha del evento (si corresponde)",
    ),
    ("cov.change.submit", "Change plan", "Cambiar de plan"),
    (
        "cov.windows.title",
        "When can I make changes?",
        "¿Cuándo puedo hacer cambios?",
    ),
    ("cov.window", "Window", "Período"),
    ("cov.dates", "Dates", "Fechas"),
    ("cov.starts", "Coverage starts", "La cobertura empieza"),
    ("cov.open-now", "Open now", "Abierto ahora"),
    ("add.title", "Add a family member", "Agregar a un familiar"),
    (
        "add.intro",
        "Add a newborn, a newly adopted or placed child, a spouse or a domestic partner to your coverage. A newborn or adopted child is covered from the day of birth, adoption or placement.",
        "Agregue a su cobertura a un recién nacido, un hijo recién adoptado o colocado, su cónyuge o su pareja de hecho. Un recién nacido o un hijo adoptado está cubierto desde el día del nacimiento, la adopción o la colocación.",
    ),
    (
        "add.refused",
        "We could not add this family member",
        "No pudimos agregar a este familiar",
    ),
    ("add.given", "First name", "Nombre"),
    ("add.family", "Last name", "Apellido"),
    ("add.birth", "Date of birth", "Fecha de nacimiento"),
    ("add.sex", "Sex", "Sexo"),
    ("add.female", "Female", "Femenino"),
    ("add.male", "Male", "Masculino"),
    ("add.unknown", "Not yet known", "Aún no se sabe"),
    ("add.rel", "Relationship to you", "Parentesco con usted"),
    (
        "add.rel.child",
        "Child (newborn)",
        "Hijo o hija (recién nacido)",
    ),
    ("add.rel.adopted", "Adopted child", "Hijo adoptado"),
    ("add.rel.foster", "Foster child", "Hijo de crianza"),
    ("add.rel.step", "Stepchild", "Hijastro"),
    ("add.rel.spouse", "Spouse", "Cónyuge"),
    ("add.rel.partner", "Domestic partner", "Pareja de hecho"),
    ("add.event", "What happened", "Qué sucedió"),
    ("add.ev.birth", "Birth", "Nacimiento"),
    ("add.ev.adoption", "Adoption", "Adopción"),
    (
        "add.ev.placement",
        "Placement for adoption",
        "Colocación para adopción",
    ),
    (
        "add.ev.foster",
        "Foster care placement",
        "Colocación en crianza temporal",
    ),
    (
        "add.ev.marriage",
        "Marriage or domestic partnership",
        "Matrimonio o unión de hecho",
    ),
    ("add.event-date", "Date it happened", "Fecha en que sucedió"),
    (
        "add.event-date.hint",
        "For a birth, the date of birth.",
        "Para un nacimiento, la fecha de nacimiento.",
    ),
    ("add.submit", "Add to my coverage", "Agregar a mi cobertura"),
    ("cov.back", "Back to coverage", "Volver a cobertura"),
    (
        "card.title",
        "Digital member ID card",
        "Tarjeta de miembro digital",
    ),
    ("card.label", "Member ID card", "Tarjeta de miembro"),
    ("card.mrn", "MRN", "N.º de expediente"),
    ("card.member-id", "Member ID", "N.º de miembro"),
    ("card.pcp", "PCP", "Médico de cabecera"),
    ("card.copays", "Copays", "Copagos"),
    (
        "card.member-services",
        "Member services",
        "Servicios al miembro",
    ),
    (
        "card.advice",
        "Advice nurse (24/7)",
        "Enfermera de consejos (24/7)",
    ),
    ("card.away", "Away from home", "Fuera de casa"),
    (
        "card.emergency",
        "Emergency? Call 911 or go to the nearest hospital.",
        "¿Emergencia? Llame al 911 o vaya al hospital más cercano.",
    ),
    ("card.pdf", "Print (PDF)", "Imprimir (PDF)"),
    (
        "card.png",
        "Save for my phone wallet (image)",
        "Guardar en la billetera del teléfono (imagen)",
    ),
    (
        "areas.title",
        "Care away from home",
        "Atención fuera de casa",
    ),
    (
        "areas.intro",
        "Emergency and urgent care are covered anywhere in the world. For routine care in another Wellspring region, add an area of care: that region gives you a medical record number linked to your home record, and you can switch to it above without signing in again. Your home plan's cost sharing applies.",
        "La atención de emergencia y de urgencia está cubierta en todo el mundo. Para la atención de rutina en otra región de Wellspring, agregue un área de atención: esa región le da un número de expediente vinculado a su expediente de origen, y puede cambiar a él arriba sin volver a iniciar sesión. Se aplican los costos compartidos de su plan de origen.",
    ),
    ("areas.mine", "My areas of care", "Mis áreas de atención"),
    (
        "areas.none",
        "You have no areas of care yet.",
        "Todavía no tiene áreas de atención.",
    ),
    ("areas.region", "Region", "Región"),
    (
        "areas.mrn",
        "Medical record number",
        "Número de expediente médico",
    ),
    (
        "areas.add",
        "Add an area of care",
        "Agregar un área de atención",
    ),
    (
        "areas.visiting",
        "Region you are visiting",
        "Región que visita",
    ),
    (
        "areas.submit",
        "Add area of care",
        "Agregar área de atención",
    ),
    ("cov.covered-on", "Covered on {date}", "Cubierto el {date}"),
    (
        "cov.pending",
        "Covered on {date}; claims are pending until dues are paid",
        "Cubierto el {date}; los reclamos quedan pendientes hasta que se paguen las cuotas",
    ),
    (
        "cov.not-covered",
        "Not covered on {date}: {reason}",
        "Sin cobertura el {date}: {reason}",
    ),
    ("cov.none-chosen", "None chosen", "Ninguno elegido"),
    ("cov.none", "None", "Ninguno"),
    ("cov.yes", "Yes", "Sí"),
    ("cov.no", "No", "No"),
    ("cov.any-time", "Any time", "En cualquier momento"),
    (
        "cov.after-event",
        "Within the days after a qualifying life event",
        "Dentro de los días posteriores a un evento de vida que califica",
    ),
    ("cov.since", "since {date}", "desde el {date}"),
    ("cov.range", "{from} to {to}", "del {from} al {to}"),
    ("cov.starts-later", "Starts later", "Empieza más tarde"),
    (
        "cov.ind-fam",
        "{ind} individual / {fam} family",
        "{ind} individual / {fam} familiar",
    ),
    (
        "cov.date-error",
        "'{value}' is not a date; use the form 2026-11-26.",
        "'{value}' no es una fecha; use la forma 2026-11-26.",
    ),
    (
        "add.done",
        "{name} is covered from {date} ({window}). Medical record number: {mrn}.",
        "{name} está cubierto desde el {date} ({window}). Número de expediente: {mrn}.",
    ),
    (
        "add.bad-birth",
        "Enter the date of birth as a date (for example 2026-04-10).",
        "Escriba la fecha de nacimiento como fecha (por ejemplo 2026-04-10).",
    ),
    (
        "add.bad-event-date",
        "Enter the date it happened as a date (for example 2026-04-10).",
        "Escriba la fecha en que sucedió como fecha (por ejemplo 2026-04-10).",
    ),
    (
        "add.choose-event",
        "Choose what happened.",
        "Elija qué sucedió.",
    ),
    (
        "add.choose-rel",
        "Choose the relationship.",
        "Elija el parentesco.",
    ),
    (
        "areas.added",
        "Added: your medical record number in {region} is {mrn}.",
        "Agregado: su número de expediente en {region} es {mrn}.",
    ),
    (
        "cov.changed",
        "Plan changed: the new plan starts {date} ({window}).",
        "Plan cambiado: el plan nuevo empieza el {date} ({window}).",
    ),
    (
        "cov.contact.title",
        "My address and phone",
        "Mi dirección y teléfono",
    ),
    ("cov.contact.line", "Street address", "Dirección"),
    ("cov.contact.city", "City", "Ciudad"),
    (
        "cov.contact.state",
        "State (two letters)",
        "Estado (dos letras)",
    ),
    ("cov.contact.zip", "ZIP code", "Código postal"),
    (
        "cov.contact.mobile",
        "Mobile phone (e.g. +12065550123)",
        "Teléfono celular (p. ej. +12065550123)",
    ),
    (
        "cov.contact.submit",
        "Save address and phone",
        "Guardar dirección y teléfono",
    ),
    (
        "cov.contact.saved",
        "Your address and phone were saved.",
        "Se guardaron su dirección y teléfono.",
    ), // Issue 13: the one web error's pages
    (
        "error.bad-request",
        "We could not read what your browser sent.",
        "No pudimos leer lo que envió su navegador.",
    ),
    (
        "error.no-record",
        "No member record is linked to this account.",
        "Esta cuenta no tiene un expediente de miembro vinculado.",
    ),
    (
        "error.staff-only",
        "These pages are for staff accounts.",
        "Estas páginas son para cuentas del personal.",
    ),
    (
        "notfor.title",
        "Not available for this person",
        "No disponible para esta persona",
    ),
    (
        "sharing.title-of",
        "Who can see {name}'s record",
        "Quién puede ver el expediente de {name}",
    ),
    (
        "sharing.others-intro",
        "These people can see this record and act for this person here. To add or remove someone, call member services.",
        "Estas personas pueden ver este expediente y actuar en nombre de esta persona aquí. Para agregar o quitar a alguien, llame a servicios para miembros.",
    ),
    (
        "notfor.sharing",
        "Who can see this person's record is shown only to them and to whoever has full access to it. To ask about it, call member services at {phone}.",
        "Quién puede ver el expediente de esta persona solo se muestra a ella y a quien tiene acceso completo. Para preguntar, llame a servicios para miembros al {phone}.",
    ),
    (
        "notfor.invite",
        "Caregivers are invited by each adult for their own record. To give another adult access to your child's record, call member services at {phone}.",
        "Cada adulto invita a sus cuidadores para su propio expediente. Para dar acceso al expediente de su hijo o hija a otro adulto, llame a servicios para miembros al {phone}.",
    ),
    (
        "notfor.coverage",
        "A parent acting for a teenager does not see their coverage details here. The family's coverage, the teenager's included, is on the subscriber's own Coverage page. Questions: member services at {phone}.",
        "Un padre o una madre que actúa en nombre de un adolescente no ve aquí los detalles de su cobertura. La cobertura de la familia, incluida la del adolescente, está en la página Cobertura del suscriptor. Preguntas: servicios para miembros al {phone}.",
    ),
    (
        "notfor.access-log",
        "Who looked at a teenager's record is shown to the teenager, not to a parent acting for them. Questions: member services at {phone}.",
        "Quién consultó el expediente de un adolescente se muestra al adolescente, no al padre o la madre que actúa en su nombre. Preguntas: servicios para miembros al {phone}.",
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_has_english_and_spanish_and_is_unique() {
        let mut seen = std::collections::HashSet::new();
        for (k, en, es) in TEXTS {
            assert!(seen.insert(*k), "duplicate key {k}");
            assert!(!en.trim().is_empty(), "{k}: empty English");
            assert!(!es.trim().is_empty(), "{k}: empty Spanish");
            assert!(
                !en.contains('<') && !es.contains('<'),
                "{k}: texts are plain"
            );
        }
    }

    #[test]
    fn placeholders_match_between_languages() {
        let holes = |s: &str| {
            let mut v: Vec<String> = s
                .split('{')
                .skip(1)
                .filter_map(|p| p.split_once('}').map(|(h, _)| h.to_owned()))
                .collect();
            v.sort();
            v
        };
        for (k, en, es) in TEXTS {
            assert_eq!(holes(en), holes(es), "{k}");
        }
    }

    #[test]
    fn unknown_key_comes_back_as_itself() {
        assert_eq!(t(Lang::En, "signin.title"), "Sign in");
        assert_eq!(t(Lang::Es, "signin.title"), "Iniciar sesión");
        assert_eq!(t(Lang::Es, "no.such.key"), "no.such.key");
        assert_eq!(tf(Lang::Es, "no.such.key", &[]), "no.such.key");
    }

    #[test]
    fn tags_and_negotiation() {
        assert_eq!(Lang::from_tag("es-MX"), Some(Lang::Es));
        assert_eq!(Lang::from_tag("EN_us"), Some(Lang::En));
        assert_eq!(Lang::from_tag("fr"), None);
        type Case<'a> = (Option<&'a str>, Option<&'a str>, Option<&'a str>, Lang);
        let cases: &[Case] = &[
            (None, None, None, Lang::En),
            (Some("es"), Some("en"), Some("en"), Lang::Es),
            (Some("xx"), Some("es"), None, Lang::Es),
            (None, None, Some("fr-FR, es;q=0.8, en;q=0.5"), Lang::Es),
            (None, None, Some("en;q=0.2, es-419;q=0.9"), Lang::Es),
            (None, None, Some("es;q=0, en"), Lang::En),
            (None, None, Some("de, *;q=0.5"), Lang::En),
            (None, Some("garbage"), Some("es"), Lang::Es),
        ];
        for (q, c, a, want) in cases {
            assert_eq!(Lang::negotiate(*q, *c, *a), *want, "{q:?} {c:?} {a:?}");
        }
    }

    #[test]
    fn messages_fill_their_numbers() {
        let m = auth_message(Lang::En, &AuthMessage::Locked { minutes: 15 });
        assert!(m.contains("15 minutes") && m.contains("reset your password"));
        let m = auth_message(Lang::Es, &AuthMessage::Locked { minutes: 15 });
        assert!(m.contains("15 minutos") && m.contains("restablezca su contraseña"));
        for code in [
            "too-short",
            "too-long",
            "breached",
            "repetitive",
            "context",
            "mismatch",
        ] {
            for lang in [Lang::En, Lang::Es] {
                let p = password_problem(lang, code, 15, 64);
                assert!(!p.is_empty() && !p.contains('{'), "{code}");
            }
        }
        assert!(password_problem(Lang::En, "too-short", 15, 64).contains("15"));
        assert!(password_problem(Lang::En, "too-long", 15, 64).contains("64"));
        assert_eq!(
            password_problem(Lang::En, "whatever", 8, 64),
            t(Lang::En, "password.other")
        );
    }

    #[test]
    fn outcomes_do_not_reveal_accounts() {
        for lang in [Lang::En, Lang::Es] {
            for m in [AuthMessage::BadCredentials, AuthMessage::ResetSent] {
                let s = auth_message(lang, &m).to_lowercase();
                for word in [
                    "no account",
                    "not found",
                    "no existe",
                    "unknown",
                    "desconocid",
                ] {
                    assert!(!s.contains(word), "{m:?} says {word}");
                }
            }
        }
    }

    #[test]
    fn field_problems_from_service_codes() {
        let cases = [
            ("given", "required", "Enter your first name"),
            ("nickname", "required", "Please fill in this answer"),
            (
                "email",
                "invalid-email",
                "Enter an email address like name@example.com",
            ),
            (
                "birth_date",
                "invalid-date",
                "Enter a real date as year-month-day, like 1985-04-27",
            ),
            (
                "mobile",
                "invalid-mobile",
                "Enter a mobile number with its area code, like 510 555 0123",
            ),
            (
                "password",
                "too-short",
                "Your password needs at least 15 characters.",
            ),
            ("x", "odd", "Please check this answer"),
        ];
        for (field, code, want) in cases {
            assert_eq!(
                field_problem(Lang::En, field, code, 15, 64),
                want,
                "{field} {code}"
            );
        }
        assert_eq!(
            field_problem(Lang::Es, "given", "required", 8, 64),
            "Escriba su nombre"
        );
        assert_eq!(AuthMessage::minutes_from_secs(0), 1);
        assert_eq!(AuthMessage::minutes_from_secs(61), 2);
        assert_eq!(AuthMessage::minutes_from_secs(900), 15);
    }

    #[test]
    fn dates_read_naturally() {
        assert_eq!(fmt_date(Lang::En, "2025-03-04"), "Mar 4, 2025");
        assert_eq!(fmt_date(Lang::Es, "2025-03-04"), "4 mar 2025");
        assert_eq!(
            fmt_date(Lang::En, "2025-03-04T14:05:00-08:00"),
            "Mar 4, 2025, 2:05 PM"
        );
        assert_eq!(
            fmt_date(Lang::En, "2025-03-04T00:30"),
            "Mar 4, 2025, 12:30 AM"
        );
        assert_eq!(fmt_date(Lang::Es, "2025-03-04T14:05"), "4 mar 2025, 14:05");
        assert_eq!(fmt_date(Lang::En, "soon"), "soon");
        assert_eq!(fmt_date(Lang::En, "2025-13-04"), "2025-13-04");
    }
}
