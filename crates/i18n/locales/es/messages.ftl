# Correos y mensajes de texto que reciben los miembros, en español ("usted"). Los mismos
# mensajes que el archivo en inglés, con las mismas variables. Textos (SMS-01): 160 caracteres
# como máximo con sus valores, nos nombran y dicen STOP. Ningún mensaje nombra un medicamento,
# un resultado ni un diagnóstico: el miembro inicia sesión para verlo.

## Inicio de sesión y cuenta (identity)

email-reset-subject = Restablezca su contraseña de Wellspring
email-reset-body =
    Hola, { $name }:

    Alguien pidió restablecer la contraseña de su cuenta de Wellspring. Para elegir una contraseña nueva, abra este enlace en los próximos { $minutes } minutos. Funciona una sola vez.

    { $link }

    Restablecer la contraseña también desbloquea su cuenta si estaba bloqueada.
    Si usted no lo pidió, puede ignorar este mensaje; su contraseña no ha cambiado.
text-reset-sent = Wellspring: enviamos a su correo un enlace para restablecer la contraseña. ¿No fue usted? Llame a servicios al miembro. Responda STOP para salir.

email-verify-subject = Confirme su correo electrónico para Wellspring
email-verify-body =
    Hola, { $name }:

    Para confirmar que esta dirección es suya, abra este enlace en los próximos 7 días. Funciona una sola vez.

    { $link }

    Hasta que lo haga, las invitaciones enviadas a esta dirección (por ejemplo, para actuar como cuidador de alguien) quedan en espera.
    Si usted no creó una cuenta de Wellspring, puede ignorar este mensaje.

email-password-reset-subject = Se cambió su contraseña de Wellspring
email-password-reset-body = Su contraseña acaba de cambiar y se cerró la sesión en todos los dispositivos. Si no fue usted, llame de inmediato a servicios al miembro.

email-password-changed-subject = Se cambió su contraseña de Wellspring
email-password-changed-body = Su contraseña acaba de cambiar y se cerró la sesión en todos los demás dispositivos. Si no fue usted, llame de inmediato a servicios al miembro.

email-invitation-subject = Le dieron acceso como cuidador en Wellspring
email-invitation-body =
    Hola, { $name }:

    { $inviter } le dio acceso a su expediente de salud de Wellspring como su cuidador. Inicie sesión (o cree su propia cuenta con esta dirección de correo y confírmela con el mensaje que le enviaremos) en los próximos 30 días para aceptarlo. El acceso dura 18 meses, salvo que lo renueve o lo revoque.

## Mensajes de texto: el número, y STOP, START, HELP (SMS-02)

text-code = Código de Wellspring Health: { $code }. Confirma este número para recordatorios; vence en 10 minutos. ¿No fue usted? Ignórelo.
text-stopped = Wellspring Health: no recibirá más mensajes. Responda START para volver a recibir recordatorios.
text-started = Wellspring Health: los recordatorios están activos de nuevo. Responda STOP para salir, HELP para ayuda.
text-help = Recordatorios de citas y resurtidos de Wellspring Health. Llame al { $phone }. Frecuencia variable, máximo 3 por semana. Responda STOP para salir.

## Citas (scheduling)

text-visit-reminder = Wellspring Health: cita el { $when } en { $place }. Responda C para confirmar, X para cancelar. Llame al { $phone }. STOP para salir.
text-visit-reminder-short = Wellspring Health: cita el { $when }. Responda C para confirmar, X para cancelar. Llame al { $phone }. STOP para salir.
text-visit-reminder-shortest = Wellspring Health: cita el { $when }. C confirma, X cancela. STOP para salir.
text-visit-late = Wellspring Health: faltan menos de 2 horas para su cita y no se puede cancelar por texto. Llame al { $phone }. Responda STOP para salir.
text-visit-cancelled = Wellspring Health: su cita está cancelada. Para pedir otra, use la app o el sitio web. Responda STOP para salir.
text-closure = Wellspring Health: { $name } cierra el { $day } ({ $reason }). Su cita allí se cambiará; llame al { $phone }. STOP para salir.

email-closure-subject = { $name } cierra el { $day }
email-closure-body =
    { $name } cierra el { $day } ({ $reason }).

    Su cita allí ese día se cambiará. Puede elegir otra hora en el portal, en Citas, o llamar al { $phone }.

email-waitlist-offer-subject = Hay una cita disponible antes
email-waitlist-offer-body = Se abrió una hora antes: { $when } con { $doctor }. Está reservada para usted hasta { $until }. Abra Citas en el portal para tomarla; si no hace nada, pasa al siguiente miembro en espera.

## Resultados y expediente (records)

email-result-subject = Tiene un resultado nuevo
email-result-body = Tiene un resultado de laboratorio nuevo. Inicie sesión en Wellspring y abra Resultados para verlo.

email-request-extended-subject = Su solicitud sobre su expediente necesita más tiempo
email-request-extended-body = Necesitamos más tiempo para responder su solicitud sobre su expediente. Motivo: { $reason }. Responderemos a más tardar el { $due }. Inicie sesión en Wellspring y abra Expediente médico, Solicitudes, para seguirla.

email-request-done-subject = Una respuesta a su solicitud sobre su expediente
email-request-done-body = Su solicitud sobre su expediente está lista. Inicie sesión en Wellspring y abra Expediente médico, Solicitudes, para ver la respuesta.

email-request-denied-subject = Una respuesta a su solicitud sobre su expediente
email-request-denied-body = Su solicitud sobre su expediente fue negada, con los motivos por escrito. Puede enviar una declaración de desacuerdo. Inicie sesión en Wellspring y abra Expediente médico, Solicitudes, para leerla.

## Farmacia (pharmacy)

email-renewal-answered-subject = Su solicitud de renovación fue respondida
email-renewal-answered-body = Su equipo de atención respondió una solicitud de renovación de receta. Inicie sesión en Wellspring y abra Farmacia para ver la respuesta.

email-order-news-subject = Su pedido de farmacia tiene novedades
email-order-news-body = Un pedido de farmacia fue enviado o está listo para recoger. Inicie sesión en Wellspring y abra Farmacia para ver los detalles.

email-transfer-answered-subject = Su solicitud de traslado de receta fue respondida
email-transfer-answered-body = Nuestra farmacia respondió su solicitud de trasladar una receta desde otra farmacia. Inicie sesión en Wellspring y abra Farmacia para ver la respuesta.

email-refill-due-subject = Puede pedir un resurtido
email-refill-due-body = Ya puede pedir el resurtido de una de sus recetas. Inicie sesión en Wellspring y abra Farmacia para pedirlo.

email-auto-refill-soon-subject = Pronto se pedirá su resurtido automático
email-auto-refill-soon-body = El { $day } se pedirá un resurtido automático de una de sus recetas y se enviará por correo; su parte del costo se cobra al enviarlo. Para omitirlo, inicie sesión en Wellspring, abra Farmacia y desactive el resurtido automático.

email-auto-refill-ordered-subject = Se pidió su resurtido automático
email-auto-refill-ordered-body = Se pidió un resurtido automático de una de sus recetas para envío por correo. Inicie sesión en Wellspring y abra Farmacia para ver los detalles.

email-auto-refill-held-subject = No se pudo pedir su resurtido automático
email-auto-refill-held-body = No se pudo pedir un resurtido automático: el pedido por correo necesita una tarjeta registrada, aunque no pague nada. Inicie sesión en Wellspring y abra Farmacia para agregarla.

text-refill-due = Wellspring Health: ya puede pedir un resurtido de receta en la app. Ayuda: { $phone }. STOP para salir.
text-auto-refill-soon = Wellspring Health: pronto se enviará su resurtido automático; desactívelo en la app. Ayuda: { $phone }. STOP para salir.
text-auto-refill-ordered = Wellspring Health: se pidió su resurtido automático por correo. Ayuda: { $phone }. STOP para salir.
text-auto-refill-held = Wellspring Health: su resurtido automático necesita una tarjeta; agréguela en la app. Ayuda: { $phone }. STOP para salir.
text-pharmacy-news = Wellspring Health: su solicitud de farmacia tiene novedades; vea la app. Ayuda: { $phone }. STOP para salir.
