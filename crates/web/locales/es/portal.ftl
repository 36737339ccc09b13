### Spanish texts of the member portal (crates/web/src/portal/i18n.rs loads them).
###
### Every message here also exists in ../en/portal.ftl, with the same variables: to add a text,
### add it to both files, in the same section.
### Code names a text by its dotted key (`signin.title`); the message id here is that key
### with `.` and `/` written `-` and `*` written `all` (`signin-title`).
### Texts are plain (no HTML): templates escape them like any other value.
### Spanish uses "usted", as the member services desk does.

## The frame of every page

brand = Wellspring
skip = Saltar al contenido principal
nav-label = Principal
nav-menu = Menú
nav-account = Su cuenta
nav-sharing = Quién puede ver mi expediente
nav-access-log = Quién consultó mi expediente
nav-apps = Aplicaciones conectadas
nav-security = Inicio de sesión y seguridad
nav-sign-out = Cerrar sesión
lang-other = English
lang-label = Idioma
actas-label = Actuando en nombre de:
actas-choose = Expediente de
actas-submit = Cambiar
actas-banner = Está actuando en nombre de { $name }. Lo que ve y hace aquí corresponde a su expediente, no al de usted.
actas-back = Volver a mi propio expediente
session-title = ¿Sigue ahí?
session-body = Para proteger su privacidad, cerraremos su sesión en { $time }, a menos que decida continuar.
session-minutes = { $n } minutos
session-one-minute = 1 minuto
session-under-minute = menos de un minuto
session-stay = Seguir conectado
flash-info = Aviso:
flash-success = Listo:
flash-error = Problema:
footer-emergency = En caso de emergencia, llame al 911 o vaya al hospital más cercano.
footer-privacy = Privacidad
errors-summary = Hay un problema
errors-title-prefix = Error:
errors-field-prefix = Error:
form-optional = (opcional)

## Sections

section-my-health = Mi salud
section-record = Expediente médico
section-messages = Mensajes
section-appointments = Citas
section-pharmacy = Farmacia
section-billing = Facturación
section-coverage = Cobertura y beneficios
section-get-care = Obtener atención
section-support = Ayuda
section-privacy = Privacidad
section-account = Inicio de sesión y seguridad

## Sign in

signin-title = Iniciar sesión
signin-intro = Inicie sesión para ver su información de salud, enviar mensajes a su equipo de atención y administrar su plan.
field-email = Correo electrónico
field-password = Contraseña
signin-submit = Iniciar sesión
signin-forgot = ¿Olvidó su contraseña?
signin-new = ¿Es nuevo en Wellspring en línea?
signin-register = Regístrese para crear una cuenta

## Two-step

twostep-title = Escriba su código
twostep-intro = Abra su aplicación de autenticación y escriba el código de 6 dígitos que aparece. Si no puede usar la aplicación, escriba uno de sus códigos de recuperación.
field-code = Código
twostep-code-hint = 6 dígitos, o uno de sus códigos de recuperación
twostep-submit = Continuar
twostep-restart = Empezar de nuevo

## Registration

register-title = Cree su cuenta
register-intro = Tenga a mano su tarjeta de identificación de miembro. Debe tener 13 años o más para tener su propia cuenta. Después de registrarse, podrá iniciar sesión de la misma forma en el sitio web y en la aplicación.
field-mrn = Número de expediente médico
field-mrn-hint = Tal como aparece en su tarjeta de identificación de miembro
field-birth_date = Fecha de nacimiento
field-birth_date-hint = Por ejemplo, 1985-04-27 (año, mes, día)
field-given = Nombre
field-family = Apellido
field-email-hint = Aquí le enviaremos avisos sobre su cuenta, nunca publicidad.
field-mobile = Número de teléfono celular
field-mobile-hint = Podemos enviarle un mensaje de texto si alguna vez olvida su contraseña.
field-password_new = Cree una contraseña
field-password_confirm = Vuelva a escribir la contraseña
register-submit = Crear cuenta
register-have-account = ¿Ya se registró?

## Password rule and problems

password-rule = Use al menos { $min } caracteres. Unas cuantas palabras que no tengan relación entre sí forman una contraseña segura y fácil de recordar. Puede usar espacios, números y símbolos, pero no son obligatorios.
password-too-short = Su contraseña necesita al menos { $min } caracteres.
password-too-long = Su contraseña puede tener como máximo { $max } caracteres.
password-breached = Esta contraseña apareció en una filtración de datos de otro sitio web, así que otras personas podrían adivinarla. Elija otra, por favor.
password-repetitive = Esta contraseña se repite o sigue un patrón sencillo, como "aaaa" o "1234". Elija una que sea más difícil de adivinar, por favor.
password-context = Esta contraseña contiene su nombre, su correo electrónico o la palabra Wellspring. Elija una que otras personas no puedan adivinar con lo que saben de usted, por favor.
password-mismatch = Las dos contraseñas no coinciden. Escriba la misma contraseña en ambos campos.
password-other = Elija otra contraseña, por favor.

## Sign-in and reset outcomes

auth-bad-credentials = El correo electrónico o la contraseña no son correctos. Revíselos e inténtelo de nuevo.
auth-locked = Por su seguridad, pausamos el inicio de sesión después de varios intentos fallidos. Inténtelo de nuevo en { $minutes } minutos, o restablezca su contraseña para desbloquear su cuenta ahora.
auth-throttled = Ha habido demasiados intentos de inicio de sesión desde aquí. Espere { $minutes } minutos e inténtelo de nuevo, por favor.
auth-registration-refused = No pudimos encontrar un expediente de miembro con esos datos. Compárelos con su tarjeta de identificación de miembro e inténtelo de nuevo, o llame a Servicios para Miembros al número que aparece en el reverso de la tarjeta.
auth-under-13 = Los miembros menores de 13 años no pueden tener su propia cuenta. Su madre, padre o tutor legal puede solicitar acceso como cuidador para ayudar a administrar su atención.
auth-reset-sent = Si ese correo electrónico o número celular pertenece a una cuenta, le enviamos un enlace para elegir una nueva contraseña. El enlace funciona una sola vez y por poco tiempo. Si no recibe nada en unos minutos, revise su carpeta de correo no deseado o inténtelo de nuevo.
auth-reset-invalid = Este enlace no funciona. Es posible que no se haya copiado completo. Solicite uno nuevo, por favor.
auth-reset-expired = Este enlace ya venció. Por su seguridad, los enlaces funcionan solo por poco tiempo. Solicite uno nuevo, por favor.
auth-reset-used = Este enlace ya se usó. Si usted no cambió su contraseña, solicite un enlace nuevo y llame a Servicios para Miembros.
auth-two-step-wrong = Ese código no funcionó. El código cambia cada 30 segundos; escriba el más reciente o use un código de recuperación.
auth-disabled = Esta cuenta está desactivada. Llame a Servicios para Miembros al número que aparece en el reverso de su tarjeta de miembro y le ayudaremos.
auth-already-registered = Usted ya tiene una cuenta. Inicie sesión o restablezca su contraseña si no la recuerda.
auth-email-in-use = Otra cuenta ya usa este correo electrónico. Use otro, por favor.

## Notices after an action, and refusals

register-done = Su cuenta está lista. Inicie sesión, por favor.
reset-done = Guardamos su nueva contraseña. Inicie sesión con ella, por favor.
sharing-revoked = Acceso eliminado. Esa persona ya no puede ver su expediente.
sharing-invited = Invitación enviada. Después de crear su propia cuenta, esa persona podrá ver su expediente.
sharing-authorize-required = Marque la casilla para confirmar que autoriza a esta persona
sharing-invalid-email = Escriba el correo electrónico de la persona que invita, como nombre@ejemplo.com
sharing-caregiver-under-18 = Un cuidador debe tener 18 años o más.
sharing-too-many = Ya envió todas las invitaciones que una cuenta puede enviar en un día. Vuelva a intentarlo mañana.
sharing-not-allowed = No podemos dar acceso de cuidador a este expediente en línea. Llame a Servicios para Miembros y le ayudaremos.
apps-disconnected = Aplicación desconectada. Ya no puede obtener su información.
security-password-changed = Cambiamos su contraseña.
security-two-step-on = La verificación en dos pasos está activada.
security-two-step-off = La verificación en dos pasos está desactivada.
error-csrf = Esta página estuvo abierta mucho tiempo o el formulario se envió dos veces. Regrese, vuelva a cargar la página e inténtelo de nuevo, por favor.
error-forbidden = No tiene permiso para ver o hacer esto. Si cree que es un error, llame a Servicios para Miembros.
error-internal = Algo no funcionó de nuestro lado.

## Field problems

required-mrn = Escriba su número de expediente médico
required-birth_date = Escriba su fecha de nacimiento
required-given = Escriba su nombre
required-family = Escriba su apellido
required-email = Escriba un correo electrónico
required-mobile = Escriba un número de teléfono celular
required-password = Escriba una contraseña
required-password_confirm = Vuelva a escribir la contraseña
required-current_password = Escriba su contraseña actual
required-code = Escriba el código
required-full_name = Escriba el nombre completo de la persona
required-authorize = Marque la casilla para confirmar que autoriza a esta persona
required-other = Complete esta respuesta, por favor
invalid-email = Escriba un correo electrónico como nombre@ejemplo.com
invalid-mobile = Escriba un número celular con su código de área, como 510 555 0123
invalid-date = Escriba una fecha válida como año-mes-día, por ejemplo 1985-04-27
invalid-other = Revise esta respuesta, por favor

## Forgot and reset password

forgot-title = Restablezca su contraseña
forgot-intro = Escriba el correo electrónico o el número celular de su cuenta. Le enviaremos un enlace para elegir una nueva contraseña.
field-identifier = Correo electrónico o número celular
forgot-submit = Envíenme un enlace
forgot-sent-title = Revise su correo o su teléfono
forgot-back = Volver a iniciar sesión
verify-done-title = Su correo electrónico está confirmado
verify-done-body = Gracias. Las invitaciones enviadas a esta dirección, como el acceso de cuidador que alguien le dio, ya están en su cuenta.
verify-problem-body = Este enlace de confirmación no es válido, ya se usó o venció. Pida un enlace para restablecer la contraseña: al usarlo también se confirma su correo electrónico.
reset-title = Elija una nueva contraseña
field-password_reset = Nueva contraseña
reset-submit = Guardar la nueva contraseña
reset-problem-title = Este enlace no se puede usar
reset-request-new = Solicitar un enlace nuevo

## Home

home-greeting = Hola, { $name }
home-intro = ¿Qué le gustaría hacer hoy?
card-record = Resultados de pruebas, medicamentos, alergias, vacunas y notas de visitas.
card-messages = Escriba a su equipo de atención y lea sus respuestas.
card-appointments = Vea sus próximas visitas, programe una nueva o cancele.
card-pharmacy = Vuelva a surtir sus recetas y recíbalas en su casa por correo.
card-billing = Vea y pague sus facturas y primas.
card-coverage = Su plan, su tarjeta de miembro y cuánto costará su atención.
card-get-care = Encuentre la atención adecuada: citas el mismo día, atención urgente y consejos.
card-support = Respuestas a preguntas frecuentes y formas de comunicarse con nosotros.
card-privacy = Decida quién puede ver su expediente y vea quién lo ha consultado.
card-account = Su contraseña, la verificación en dos pasos y dónde tiene la sesión iniciada.

## Sections still to come

soon-badge = Próximamente
soon-list = Lo que podrá hacer aquí:
soon-meanwhile = Mientras tanto, llame a Servicios para Miembros al { $phone } (también en el reverso de su tarjeta de identificación de miembro). Con gusto le ayudamos.
soon-home = Volver a Mi salud
soon-record-about = Aquí encontrará su expediente médico, en palabras sencillas.
soon-record-1 = Ver los resultados de sus pruebas en cuanto estén listos, con el rango normal y los resultados anteriores
soon-record-2 = Revisar sus medicamentos, alergias y problemas de salud
soon-record-3 = Ver sus vacunas e imprimir un registro
soon-record-4 = Leer las notas y los resúmenes de sus visitas
soon-messages-about = Aquí podrá escribir a su equipo de atención y recibir sus respuestas.
soon-messages-1 = Enviar un mensaje al consultorio de su médico sobre una pregunta que no sea urgente
soon-messages-2 = Leer las respuestas y cartas de su equipo de atención
soon-messages-3 = Preguntar a Servicios para Miembros sobre su plan; respondemos en un plazo de 3 días hábiles
soon-appointments-about = Aquí podrá ver y programar sus visitas.
soon-appointments-1 = Ver sus visitas próximas y pasadas
soon-appointments-2 = Programar visitas de atención primaria, laboratorio y algunas especialidades, en persona, por teléfono o por video
soon-appointments-3 = Cancelar o cambiar una visita y recibir recordatorios por mensaje de texto
soon-pharmacy-about = Aquí podrá administrar sus recetas.
soon-pharmacy-1 = Volver a surtir sus recetas con un solo botón
soon-pharmacy-2 = Recibirlas por correo en 3 a 5 días hábiles sin costo adicional
soon-pharmacy-3 = Ver cuándo puede volver a surtir una receta y pedir una renovación
soon-billing-about = Aquí podrá ver y pagar lo que debe.
soon-billing-1 = Pagar su prima y sus facturas médicas en línea
soon-billing-2 = Ver su historial de facturación
soon-billing-3 = Guardar una tarjeta para las recetas por correo
soon-coverage-about = Aquí podrá ver lo que cubre su plan.
soon-coverage-1 = Confirmar que su cobertura está activa y quiénes están cubiertos
soon-coverage-2 = Mostrar su tarjeta de miembro digital (en la mayoría de los planes)
soon-coverage-3 = Ver su deducible, lo que ha gastado hasta ahora y estimados de costos
soon-get-care-about = Aquí encontrará la atención adecuada en el momento adecuado.
soon-get-care-1 = Programar una cita para el mismo día por problemas que no sean emergencias
soon-get-care-2 = Encontrar atención urgente para problemas que necesitan atención pronto
soon-get-care-3 = Recibir consejos de una enfermera y encontrar atención cuando esté lejos de casa
soon-support-about = Aquí encontrará respuestas y formas de comunicarse con nosotros.
soon-support-1 = Respuestas sobre facturas, su plan, contraseñas y acceso de cuidadores
soon-support-2 = Ayuda con la atención cuando está lejos de casa
soon-support-3 = Apoyo después de la pérdida de un ser querido
getcare-emergency-title = ¿Es una emergencia?
getcare-emergency = Si cree que tiene una emergencia médica, llame al 911 o vaya ahora al hospital más cercano. No use este sitio web ni envíe un mensaje en caso de emergencia. La atención de emergencia está cubierta en cualquier lugar, incluso lejos de casa.

## Who can see my record

sharing-title = Quién puede ver mi expediente
sharing-intro = Estas personas pueden ver su expediente y actuar en su nombre aquí. Puede quitarle el acceso a cualquiera en cualquier momento.
sharing-heading = Personas con acceso a mi expediente
sharing-none = Nadie más puede ver su expediente.
col-name = Nombre
col-relationship = Relación
col-access = Acceso
col-since = Desde
col-expires = Termina
col-action = Quitar
sharing-no-end = Sin fecha de fin
sharing-revoke = Quitar el acceso a { $name }
access-full = Todo el expediente
access-full-except-sensitive = Todo el expediente, excepto la atención delicada
access-limited = Limitado (acceso de adolescente)
rel-self = Usted
rel-child = Hijo o hija
rel-teen = Adolescente
rel-caregiver = Cuidador
rel-legal = Representante legal
rel-parent = Madre o padre
rel-spouse = Cónyuge o pareja
invite-title = Invitar a un cuidador
invite-intro = Un cuidador puede ser un familiar o amigo de 18 años o más. No necesita ser miembro de Wellspring, pero deberá crear su propia cuenta. Su acceso dura 18 meses, a menos que usted lo renueve.
field-invite_email = Correo electrónico de la persona
field-full_name = Nombre completo de la persona
invite-access = Lo que podrá ver
invite-access-text = Todo su expediente, excepto la atención delicada: salud sexual y reproductiva, salud mental y atención por consumo de sustancias.
invite-authorize = Autorizo a esta persona a ver mi información de salud y a actuar en mi nombre en este sitio web, como se describe arriba. Puedo quitarle el acceso en cualquier momento.
invite-submit = Enviar invitación
actfor-title = Personas en cuyo nombre puedo actuar
actfor-intro = Puede cambiar al expediente de estas personas con "Actuando en nombre de" en la parte superior de la página.
actfor-none = Todavía no puede actuar en nombre de nadie más.

## Who looked at my record

log-title = Quién consultó mi expediente
log-intro = Cada vez que alguien abre o cambia su expediente, anotamos quién, cuándo y por qué. Esta lista muestra primero lo más reciente.
log-filter = Elegir fechas
field-from = Desde
field-to = Hasta
log-filter-submit = Mostrar
log-none = Nadie consultó su expediente en este período.
log-col-when = Cuándo
log-refused = lo intentó, pero se le negó: no se mostró nada
log-col-who = Quién
log-col-what = Qué
log-col-why = Por qué
log-col-where = Desde dónde
log-pages = Más registros
log-newer = Registros más recientes
log-older = Registros anteriores
log-page = Página { $n }
actor-me = Usted
actor-person = Cuidador
actor-staff = Personal de Wellspring
actor-app = Aplicación
actor-system = Proceso automático
action-read = Consultó
action-search = Buscó
action-create = Agregó
action-update = Cambió
action-delete = Eliminó
action-export = Descargó
action-print = Imprimió
rt-all = todo el expediente
rt-Patient = datos personales
rt-Observation = resultados de pruebas y signos vitales
rt-DiagnosticReport = informes de pruebas
rt-Condition = problemas de salud
rt-AllergyIntolerance = alergias
rt-MedicationRequest = recetas
rt-MedicationDispense = recetas surtidas
rt-Immunization = vacunas
rt-Encounter = visitas
rt-Procedure = procedimientos
rt-DocumentReference = documentos y notas
rt-CarePlan = planes de atención
rt-Appointment = citas
rt-Communication = mensajes
rt-Coverage = datos de cobertura
rt-ExplanationOfBenefit = reclamaciones y explicaciones de beneficios
rt-Claim = reclamaciones
rt-Practitioner = datos del equipo de atención
purpose-treatment = Su atención médica
purpose-payment = Pagos y reclamaciones
purpose-operations = Administración del plan de salud (controles de calidad, auditorías)
purpose-patient-request = Su propia solicitud
purpose-proxy = Acceso de cuidador
purpose-app = Una aplicación que usted conectó
purpose-emergency = Atención de emergencia
purpose-legal = Requerido por la ley
purpose-public-health = Salud pública

## Connected apps and scopes

apps-title = Aplicaciones conectadas
apps-intro = Estas aplicaciones pueden obtener su información de salud porque usted, o alguien que actúa en su nombre, lo permitió. Al desconectar una aplicación, ya no podrá obtener nada nuevo. Esto no borra lo que la aplicación ya copió; consulte con quienes la crearon.
apps-none = No ha conectado ninguna aplicación.
apps-granted = Conectada el { $date }
apps-can = Puede:
apps-disconnect = Desconectar { $name }
scope-openid = Confirmar quién es usted
scope-fhirUser = Conocer su nombre y su cuenta
scope-profile = Conocer su nombre y su cuenta
scope-offline_access = Seguir recibiendo información cuando usted no la esté usando, hasta que la desconecte
scope-online_access = Recibir información solo mientras usted la use
scope-launch-patient = Saber qué expediente eligió
scope-read = Ver sus { $what }
scope-write = Agregar o cambiar sus { $what }
scope-readwrite = Ver, agregar y cambiar sus { $what }
scope-all-read = Ver todo su expediente médico
scope-all-write = Agregar o cambiar información en todo su expediente médico
scope-all-readwrite = Ver, agregar y cambiar información en todo su expediente médico
scope-other = Otro acceso: { $scope }

## SMART consent

consent-title = ¿Permitir que { $app } obtenga su información de salud?
consent-not-ours-title = Esta aplicación no es de Wellspring
consent-not-ours = Una vez que comparta, la política de privacidad de la aplicación decide cómo se usa su información, y la ley de privacidad de la salud (HIPAA) podría no protegerla allí. Comparta solo con aplicaciones de su confianza.
consent-redirect = Después de que elija, lo enviaremos de regreso a { $host }.
consent-wants = La aplicación pide permiso para:
consent-whose = ¿Qué expediente debe obtener la aplicación?
consent-allow = Permitir
consent-deny = No permitir
consent-later = Puede desconectar la aplicación en cualquier momento en Aplicaciones conectadas.

## Sign-in and security

security-title = Inicio de sesión y seguridad
twostep-section = Verificación en dos pasos
twostep-on = Activada. Cuando inicia sesión, le pedimos un código de su aplicación de autenticación.
twostep-off = Desactivada. Actívela para proteger mejor su cuenta: alguien que sepa su contraseña no podrá iniciar sesión sin su teléfono.
twostep-start = Configurar la verificación en dos pasos
twostep-setup-step1 = Abra una aplicación de autenticación en su teléfono y agregue una cuenta nueva. Escriba esta clave:
twostep-setup-uri = Si su aplicación acepta un enlace de configuración, puede usar este en su lugar:
twostep-setup-step2 = Luego escriba el código de 6 dígitos que muestra la aplicación.
twostep-setup-code-hint = 6 dígitos
twostep-setup-submit = Activar la verificación en dos pasos
twostep-disable = Desactivar la verificación en dos pasos
twostep-disable-note = Desactivarla hace que su cuenta sea más fácil de atacar.
recovery-title = Sus códigos de recuperación
recovery-intro = Guarde estos códigos en un lugar seguro, como un administrador de contraseñas o una copia impresa. Si pierde su teléfono, cada código le permite iniciar sesión una vez. No los volveremos a mostrar.
password-change-title = Cambie su contraseña
field-current_password = Contraseña actual
password-change-submit = Cambiar contraseña
signout-all-title = Cerrar sesión en todas partes
signout-all-intro = Esto cierra su sesión en todas las computadoras, teléfonos y tabletas, incluida esta. Úselo si inició sesión en una computadora compartida o perdió un dispositivo.
signout-all-submit = Cerrar sesión en todas partes

## Errors

error-title = Algo salió mal
error-try-again = Inténtelo de nuevo en unos minutos, por favor. Si sigue ocurriendo, llame a Servicios para Miembros al número que aparece en el reverso de su tarjeta de miembro.
error-status = Código de error: { $status }
error-home = Ir a Mi salud
notfound-title = No encontramos la página
notfound-body = No encontramos esa página. Es posible que se haya movido o que la dirección tenga un error.

## Coverage pages (issue 5)

cov-title = Cobertura y beneficios
cov-for = Para
cov-check-title = ¿Está activa mi cobertura?
cov-check-date = Fecha a consultar
cov-check-submit = Consultar cobertura
cov-plan = Plan
cov-effective = Vigencia
cov-group = Grupo
cov-pcp = Médico de atención primaria
cov-benefits-title = Mi plan y mis beneficios
cov-tier = nivel
cov-year = año de beneficios
cov-deductible = Deducible
cov-oop = Máximo de gastos de bolsillo
cov-pay-caption = Lo que usted paga dentro de la red
cov-service = Servicio
cov-you-pay = Usted paga
cov-extras-caption = Otros beneficios
cov-benefit = Beneficio
cov-limits = Límites y notas
cov-preventive = La atención preventiva dentro de la red cuesta $0. Las emergencias están cubiertas en cualquier lugar: llame al 911 o vaya al hospital más cercano.
cov-family-title = La cobertura de mi familia
cov-family-none = Nadie más está cubierto con usted.
cov-name = Nombre
cov-relationship = Parentesco
cov-covered = Cubierto
cov-status = Estado
cov-link-add = Agregar a un familiar (recién nacido, hijo adoptado, cónyuge)
cov-link-card = Tarjeta de miembro digital
cov-link-areas = Atención fuera de casa: áreas de atención
cov-change-title = Cambiar de plan
cov-change-plan = Plan nuevo
cov-change-reason = Motivo
cov-change-oe = Inscripción abierta
cov-event-marriage = Matrimonio
cov-event-birth = Nacimiento de un hijo
cov-event-adoption = Adopción
cov-event-loss = Pérdida de otra cobertura
cov-event-move = Mudanza permanente
cov-change-date = Fecha del evento (si corresponde)
cov-change-submit = Cambiar de plan
cov-windows-title = ¿Cuándo puedo hacer cambios?
cov-window = Período
cov-dates = Fechas
cov-starts = La cobertura empieza
cov-open-now = Abierto ahora
add-title = Agregar a un familiar
add-intro = Agregue a su cobertura a un recién nacido, un hijo recién adoptado o colocado, su cónyuge o su pareja de hecho. Un recién nacido o un hijo adoptado está cubierto desde el día del nacimiento, la adopción o la colocación.
add-refused = No pudimos agregar a este familiar
add-given = Nombre
add-family = Apellido
add-birth = Fecha de nacimiento
add-sex = Sexo
add-female = Femenino
add-male = Masculino
add-unknown = Aún no se sabe
add-rel = Parentesco con usted
add-rel-child = Hijo o hija (recién nacido)
add-rel-adopted = Hijo adoptado
add-rel-foster = Hijo de crianza
add-rel-step = Hijastro
add-rel-spouse = Cónyuge
add-rel-partner = Pareja de hecho
add-event = Qué sucedió
add-ev-birth = Nacimiento
add-ev-adoption = Adopción
add-ev-placement = Colocación para adopción
add-ev-foster = Colocación en crianza temporal
add-ev-marriage = Matrimonio o unión de hecho
add-event-date = Fecha en que sucedió
add-event-date-hint = Para un nacimiento, la fecha de nacimiento.
add-submit = Agregar a mi cobertura
cov-back = Volver a cobertura
card-title = Tarjeta de miembro digital
card-label = Tarjeta de miembro
card-mrn = N.º de expediente
card-member-id = N.º de miembro
card-pcp = Médico de cabecera
card-copays = Copagos
card-member-services = Servicios al miembro
card-advice = Enfermera de consejos (24/7)
card-away = Fuera de casa
card-emergency = ¿Emergencia? Llame al 911 o vaya al hospital más cercano.
card-pdf = Imprimir (PDF)
card-png = Guardar en la billetera del teléfono (imagen)
areas-title = Atención fuera de casa
areas-intro = La atención de emergencia y de urgencia está cubierta en todo el mundo. Para la atención de rutina en otra región de Wellspring, agregue un área de atención: esa región le da un número de expediente vinculado a su expediente de origen, y puede cambiar a él arriba sin volver a iniciar sesión. Se aplican los costos compartidos de su plan de origen.
areas-mine = Mis áreas de atención
areas-none = Todavía no tiene áreas de atención.
areas-region = Región
areas-mrn = Número de expediente médico
areas-add = Agregar un área de atención
areas-visiting = Región que visita
areas-submit = Agregar área de atención
cov-covered-on = Cubierto el { $date }
cov-pending = Cubierto el { $date }; los reclamos quedan pendientes hasta que se paguen las cuotas
cov-not-covered = Sin cobertura el { $date }: { $reason }
cov-none-chosen = Ninguno elegido
cov-none = Ninguno
cov-yes = Sí
cov-no = No
cov-any-time = En cualquier momento
cov-after-event = Dentro de los días posteriores a un evento de vida que califica
cov-since = desde el { $date }
cov-range = del { $from } al { $to }
cov-starts-later = Empieza más tarde
cov-ind-fam = { $ind } individual / { $fam } familiar
cov-date-error = '{ $value }' no es una fecha; use la forma 2026-11-26.
add-done = { $name } está cubierto desde el { $date } ({ $window }). Número de expediente: { $mrn }.
add-bad-birth = Escriba la fecha de nacimiento como fecha (por ejemplo 2026-04-10).
add-bad-event-date = Escriba la fecha en que sucedió como fecha (por ejemplo 2026-04-10).
add-choose-event = Elija qué sucedió.
add-choose-rel = Elija el parentesco.
areas-added = Agregado: su número de expediente en { $region } es { $mrn }.
cov-changed = Plan cambiado: el plan nuevo empieza el { $date } ({ $window }).
cov-contact-title = Mi dirección y teléfono
cov-contact-line = Dirección
cov-contact-city = Ciudad
cov-contact-state = Estado (dos letras)
cov-contact-zip = Código postal
cov-contact-mobile = Teléfono celular (p. ej. +12065550123)
cov-contact-submit = Guardar dirección y teléfono
cov-contact-saved = Se guardaron su dirección y teléfono.

## Pages the one web error renders; pages not offered to the person chosen (issue 13)

error-bad-request = No pudimos leer lo que envió su navegador.
error-no-record = Esta cuenta no tiene un expediente de miembro vinculado.
error-staff-only = Estas páginas son para cuentas del personal.
notfor-title = No disponible para esta persona
sharing-title-of = Quién puede ver el expediente de { $name }
sharing-others-intro = Estas personas pueden ver este expediente y actuar en nombre de esta persona aquí. Para agregar o quitar a alguien, llame a servicios para miembros.
notfor-sharing = Quién puede ver el expediente de esta persona solo se muestra a ella y a quien tiene acceso completo. Para preguntar, llame a servicios para miembros al { $phone }.
notfor-invite = Cada adulto invita a sus cuidadores para su propio expediente. Para dar acceso al expediente de su hijo o hija a otro adulto, llame a servicios para miembros al { $phone }.
notfor-coverage = Un padre o una madre que actúa en nombre de un adolescente no ve aquí los detalles de su cobertura. La cobertura de la familia, incluida la del adolescente, está en la página Cobertura del suscriptor. Preguntas: servicios para miembros al { $phone }.
notfor-access-log = Quién consultó el expediente de un adolescente se muestra al adolescente, no al padre o la madre que actúa en su nombre. Preguntas: servicios para miembros al { $phone }.

## The access log in plain words (issue 13)

log-and = y
action-other = Trabajó en
action-vread = Vio una versión anterior de
action-history = Vio el historial de
action-everything = Abrió el expediente completo
action-register = Creó una cuenta del portal para
action-proxy-grant = Dio acceso a alguien a
action-proxy-revoke = Quitó el acceso de alguien a
action-act-as = Cambió a
action-app-authorize = Conectó una aplicación a
action-app-disconnect = Desconectó una aplicación de
action-verify-email = Confirmó el correo electrónico de
action-password-reset = Restableció la contraseña de
rt-other = otras partes del expediente
purpose-other = Otro trabajo en su expediente
purpose-enrollment = Su inscripción y su plan
purpose-membership = Sus datos de miembro
purpose-coverage = Verificación de su cobertura
purpose-eligibility = Verificación de su elegibilidad
purpose-away = Atención fuera de su área

## The contact form, field by field (issue 13)

cov-contact-problem-required = Complete este campo
cov-contact-problem-invalid-state = Escriba el código de dos letras del estado, como WA
cov-contact-problem-invalid-zip = Escriba un código postal de 5 dígitos, como 98101 (o ZIP+4: 98101-1234)
cov-contact-problem-invalid-mobile = Escriba un número de celular con su código de área, como (206) 555-0142, o en forma internacional, como +44 7700 900123

## The ID card (PDF, wallet image, QR title) (issue 13)

card-label-title = Tarjeta de identificación de miembro
card-label-cut-and-fold = Recorte por la línea discontinua exterior y doble por la línea punteada del centro para que el frente y el reverso queden hacia afuera.
card-label-front = Frente
card-label-back = Reverso
card-label-mrn = N.º de expediente
card-label-member-id = N.º de miembro
card-label-plan = Plan
card-label-group = Grupo
card-label-effective = Vigente desde
card-label-pcp = Médico de cabecera
card-label-copays = Copagos
card-label-more-copays = más: consulte los documentos de su plan
card-label-phone-numbers = Teléfonos
card-label-member-services = Servicios para miembros
card-label-advice-nurse = Enfermera de consulta, 24/7
card-label-away-from-home = Fuera de su área
card-label-emergency = ¿Emergencia? Llame al 911 o vaya al hospital más cercano.
card-label-issued = Emitida
card-label-qr-title = Código QR de la tarjeta de identificación de miembro

## Placeholder sections name the numbers; the cookie notice (issue 13)

soon-nurse = Para consejos sobre síntomas, nuestras enfermeras de consulta le atienden a cualquier hora, de día o de noche, al { $phone }.
footer-cookies = Este sitio usa solo las cookies que necesita para funcionar: mantener su sesión, proteger sus formularios, recordar su idioma y reconocer este navegador cuando inicia sesión. Ninguna se usa para publicidad ni seguimiento, y su información nunca se vende.
## Plan changes: compare, review, confirm, refusal, notice (issue 13)

cov-change-intro = Elija un plan y el motivo. Verá qué cambia, para quién y desde cuándo, antes de que se cambie nada.
cov-change-compare = Comparar los planes lado a lado
cov-change-review = Revisar el cambio
cov-used = Ya usado
cov-home-coverage = Usted está cubierto por medio de su expediente de origen en { $region }: aquí se aplican su plan de origen y sus costos compartidos.
cov-rel-self = Suscriptor
cov-rel-spouse = Cónyuge
cov-rel-partner = Pareja de hecho
cov-rel-child = Hijo o hija
cov-rel-adopted = Hijo adoptado
cov-rel-foster = Hijo de crianza
cov-rel-ward = Pupilo
cov-rel-step = Hijastro
plans-title = Comparar planes
plans-intro = Los planes que usted puede elegir en su región, lado a lado. Los montos son lo que usted paga dentro de la red.
plans-intro-medicare = Los planes Medicare Advantage que usted puede elegir en su región, lado a lado. Los montos son lo que usted paga dentro de la red.
plans-none = No hay otro plan al que cambiar para esta cobertura. Servicios para miembros puede ayudarle: { $phone }.
plans-caption = Planes lado a lado
plans-feature = Plan
plans-current = (su plan actual)
plans-type = Tipo
plans-stars = Calificación de estrellas de Medicare
plans-stars-value = { $stars } de 5
plans-stars-none = Sin calificación
plans-premium = Prima mensual
plans-premium-value = { $amount } al mes
plans-premium-unknown = Depende de su empleador o de su hogar; servicios para miembros se lo puede decir
plans-not-listed = No figura
plans-five-star = Puede inscribirse una vez entre el 8 de diciembre y el 30 de noviembre en un plan con 5 estrellas (el período especial de inscripción de 5 estrellas).
plans-choose = Cambiar a uno de estos planes
plans-windows = ¿Cuándo puedo cambiar de plan?
review-title = Revise su cambio de plan
review-intro = Todavía no se ha cambiado nada. Revise los detalles y luego confirme o cancele.
review-caption = Su plan actual y el plan nuevo
review-now = Ahora: { $plan }
review-new = Nuevo: { $plan }
review-who = A quién afecta este cambio
review-who-intro = Todas las personas de esta cobertura pasan al plan nuevo el mismo día.
review-starts = El plan nuevo empieza el
review-window = Por qué se permite el cambio ahora
review-window-closes = { $window } (abierto hasta el { $date })
review-notes = Conviene saber
review-replaces = Esto reemplaza su elección anterior de { $plan } desde el { $date }.
review-notice = Enviaremos un aviso de este cambio por correo electrónico a la cuenta del portal del suscriptor.
review-confirm = Confirmar el cambio
review-cancel = Cancelar y mantener mi plan
review-moved = La fecha de inicio ahora es el { $date }, no la que usted revisó. Revise el cambio otra vez antes de confirmarlo.
done-title = Su plan va a cambiar
done-lead = A partir del { $date }, { $plan } cubre a todas las personas de la lista.
done-window = Permitido por: { $window }
done-notice-sent = Se envió un aviso de este cambio a { $email }.
done-notice-none = El suscriptor no tiene cuenta en el portal, así que no se envió un aviso por correo electrónico. Servicios para miembros puede enviarle una carta: { $phone }.
done-notice-failed = El cambio está hecho, pero no se pudo enviar el aviso por correo electrónico. Servicios para miembros puede enviárselo: { $phone }.
refused-title = No podemos cambiar su plan ahora
refused-why = Por qué
refused-next = Cuándo puede hacerlo
refused-next-date = El próximo período para este cambio se abre el { $date }.
refused-no-next = Ningún período se abre por sí solo para este cambio; vea abajo lo que puede hacer.
refused-what = Lo que puede hacer
refused-event = Si su familia tuvo hace poco un evento de vida (un nacimiento, una adopción, un matrimonio, la pérdida de otra cobertura o una mudanza), regrese y elíjalo como motivo, con su fecha.
refused-windows = Vea cuándo se abre cada período de inscripción
refused-call = Llame a servicios para miembros al { $phone }. Le pueden explicar sus opciones y hacer cambios que el portal no puede hacer.
refused-back = Volver a cobertura
notice-subject = Su plan de Wellspring va a cambiar
notice-greeting = Hola, { $name }:
notice-changed = El plan de su cobertura cambia de { $old } a { $new } el { $date }. El cambio lo permite: { $window }.
notice-who = Cubre a: { $people }.
notice-questions = ¿Preguntas? Llame a servicios para miembros al { $phone }. Si usted no pidió este cambio, llámenos de inmediato.

## Expediente médico (issue 16)
rec-intro = Su expediente de salud, en palabras sencillas. Los resultados aparecen aquí en cuanto son definitivos.
rec-recent = Resultados recientes
rec-none = Todavía no hay nada registrado aquí.
rec-back = Volver al expediente médico
rec-to-pharmacy = Surtir una receta en Farmacia
rec-print-hint = Para imprimir este registro de vacunas, use la orden Imprimir de su navegador; la página se imprime sin los menús.
rec-performer = Realizado por
rec-comment = Comentario de su equipo de atención
rec-results-back = Volver a todos los resultados
rec-trend-title = Resultados anteriores
rec-trend-caption = { $test }: { $count } resultados del { $from } al { $to }. La franja sombreada es el rango normal; los puntos rojos están fuera de él.
rec-trend-table = Los mismos resultados en una tabla, del más reciente al más antiguo
rec-results-title = Resultados de pruebas
rec-results-about = Resultados de laboratorio con su rango normal y sus resultados anteriores.
rec-problems-title = Problemas de salud
rec-problems-about = Afecciones que su equipo de atención sigue, actuales y pasadas.
rec-allergies-title = Alergias
rec-allergies-about = Alergias y reacciones registradas.
rec-medications-title = Medicamentos
rec-medications-about = Medicamentos que le recetaron, con sus instrucciones.
rec-immunizations-title = Vacunas
rec-immunizations-about = Vacunas registradas, con sus fechas.
rec-procedures-title = Procedimientos
rec-procedures-about = Procedimientos y cirugías registrados.
rec-visits-title = Consultas anteriores
rec-visits-about = Consultas en persona, por video y por teléfono.
rec-vitals-title = Signos vitales
rec-vitals-about = Presión arterial, peso, estatura y otras mediciones de sus consultas.
rec-col-date = Fecha
rec-col-test = Prueba
rec-col-status = Estado
rec-col-problem = Problema
rec-col-since = Desde
rec-col-allergy = Alergia
rec-col-reaction = Reacción
rec-col-medication = Medicamento
rec-col-instructions = Instrucciones
rec-col-prescribed = Recetado
rec-col-vaccine = Vacuna
rec-col-procedure = Procedimiento
rec-col-visit = Consulta
rec-col-where = Dónde
rec-col-measure = Medición
rec-col-value = Resultado
rec-col-range = Rango normal
rec-col-flag = Indicador
rec-flag-H = Alto
rec-flag-L = Bajo
rec-flag-HH = Críticamente alto
rec-flag-LL = Críticamente bajo
rec-flag-A = Anormal
rec-flag-AA = Críticamente anormal
rec-status-final = Final
rec-status-preliminary = Preliminar
rec-status-corrected = Corregido
rec-status-amended = Modificado
rec-status-cancelled = Cancelado
rec-status-entered-in-error = Registrado por error
rec-status-registered = Registrado
rec-status-partial = Parcial
rec-status-active = Activo
rec-status-inactive = Inactivo
rec-status-resolved = Resuelto
rec-status-recurrence = Recurrencia
rec-status-remission = En remisión
rec-status-completed = Completado
rec-status-stopped = Suspendido
rec-status-on-hold = En pausa
rec-status-not-done = No realizado
rec-status-in-progress = En curso
rec-status-finished = Terminada
rec-status-planned = Planeada
rec-status-unknown = Desconocido
notfor-record = Un padre o una madre que actúa por un adolescente ve aquí solo sus gráficas de crecimiento; el resto del expediente de un adolescente se muestra al adolescente. Preguntas: servicios para miembros al { $phone }.
rec-requests-title = Solicitudes sobre su expediente
rec-requests-about = Pida copias, una corrección o una lista de con quién se compartió su expediente; siga cada una con su fecha límite.
rec-req-title = Solicitudes sobre su expediente
rec-req-intro = Tiene derecho a copias de su expediente, a pedirnos que lo corrijamos y a una lista de con quién lo compartimos. La ley nos da un plazo para cada una; lo ve aquí.
rec-req-yours = Sus solicitudes
rec-req-none = No ha hecho ninguna solicitud.
rec-req-col-kind = Solicitud
rec-req-col-received = Recibida
rec-req-col-due = Respuesta a más tardar
rec-req-col-details = Detalles
rec-req-kind-records-copy = Copias de mi expediente
rec-req-kind-records-amendment = Corregir mi expediente
rec-req-kind-records-accounting = Con quién se compartió mi expediente
rec-req-status-requested = Recibida
rec-req-status-in-progress = En curso
rec-req-status-extended = Prorrogada (le enviamos el motivo)
rec-req-status-completed = Terminada
rec-req-status-rejected = Denegada (vea el motivo)
rec-req-amend-title = Pedir que corrijan su expediente
rec-req-amend-about = Respondemos en 60 días. Si necesitamos más tiempo, le decimos por qué, una sola vez, y respondemos en 30 días más.
rec-req-amend-label = ¿Qué está mal y qué debería decir?
rec-req-amend-submit = Enviar la solicitud de corrección
rec-req-copy-title = Pedir copias de su expediente
rec-req-copy-about = Respondemos en 30 días. Las copias para usted son gratuitas en el portal; también puede indicar a alguien que las reciba.
rec-req-copy-label = ¿De qué quiere copias (qué partes, qué fechas)?
rec-req-copy-recipient = Enviarlas a otra persona (opcional)
rec-req-copy-recipient-hint = Su nombre y dirección. Se le pedirá que firme una autorización.
rec-req-copy-submit = Enviar la solicitud de copias
rec-req-accounting-title = Preguntar con quién se compartió su expediente
rec-req-accounting-about = Una lista de divulgaciones de los últimos seis años (no para su atención, pagos ni nuestras operaciones). La primera de cada año es gratuita. Respondemos en 60 días.
rec-req-accounting-label = Periodo, si es menor de seis años (opcional)
rec-req-accounting-submit = Pedir la lista
rec-req-need-copy = Diga de qué quiere copias.
rec-req-need-amendment = Diga qué está mal en su expediente y qué debería decir.
rec-req-filed = Recibimos su solicitud. Responderemos a más tardar el { $due }.
notfor-requests = Las solicitudes sobre un expediente las hace la propia persona, un padre o una madre por un hijo pequeño, o un representante legal. Preguntas: servicios para miembros al { $phone }.
rec-take-title = Lleve su expediente consigo
rec-take-fhir = Descargar su expediente (archivo FHIR)
rec-take-fhir-about = Un archivo estándar de datos de salud (FHIR R4 JSON) que pueden leer los sistemas de otros médicos y las aplicaciones de salud. Cada descarga queda registrada en quién vio su expediente.
rec-print-link = Imprimir su expediente (PDF)
rec-print-title = Su expediente de salud
rec-print-intro = Elija qué imprimir y las fechas. El PDF se abre en su navegador; imprímalo o guárdelo. Cada impresión queda registrada en quién vio su expediente.
rec-print-sections = Secciones
rec-print-when = Fechas (déjelas vacías para todas)
rec-print-from = Desde
rec-print-to = Hasta
rec-print-submit = Crear el PDF
rec-print-all-dates = Todas las fechas
rec-print-period = Del { $from } al { $to }
rec-print-member = { $name } · nacimiento { $birth }
rec-print-generated = Impreso el { $date } desde el portal de Wellspring
rec-print-page = Página
rec-print-note = Esta impresión muestra su expediente como estaba el día en que se imprimió. Preguntas: servicios para miembros.
