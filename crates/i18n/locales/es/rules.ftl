# Lo que las reglas le dicen al miembro: rechazos y nombres de eventos de vida (crates/i18n/src/said.rs).

## Eventos de vida

event-birth = un nacimiento
event-adoption = una adopción
event-placement = una colocación para adopción
event-foster = una colocación en un hogar de crianza temporal
event-court-order = una orden judicial
event-marriage = un matrimonio
event-loss = la pérdida de otra cobertura
event-move = una mudanza permanente
event-divorce = un divorcio
event-death = la muerte del suscriptor
event-aged-off = dejar el plan de uno de los padres por la edad
event-citizenship = obtener la ciudadanía o la presencia legal
event-error = un error de inscripción
event-non-payment = perder la cobertura por no pagar las primas
event-voluntary-drop = dejar la cobertura voluntariamente

## Períodos de inscripción rechazados (ENR-*)

reason-not-qualifying = { $event } no es un evento de vida que abra un período especial de inscripción
reason-with-next = { $reason }; la próxima inscripción abierta empieza el { $date }
reason-outside-open = Fuera de la inscripción abierta y sin un evento de vida que califique en los últimos { $days } días
reason-sep-opens = El período especial de inscripción después de { $event } se abre el { $date }
reason-sep-ended = El período especial de inscripción después de { $event } terminó el { $date }
reason-outside-employer = Fuera de la inscripción abierta de su empleador y sin un nacimiento, una adopción, un matrimonio ni la pérdida de otra cobertura en los últimos { $days } días
reason-employer-no-sep = En un plan del empleador, { $event } no abre una inscripción especial; el cambio espera a la inscripción abierta del empleador
reason-employer-sep-opens = La inscripción especial después de { $event } se abre el { $date }
reason-employer-sep-ended = La inscripción especial de { $days } días después de { $event } terminó el { $date }; el cambio espera a la inscripción abierta del empleador
reason-medicare-individual = La cobertura de Medicare es individual: cada persona se inscribe a su propio nombre
reason-medicare-details = Se necesitan los datos de Medicare (fecha de nacimiento, inicio de las Partes A y B) para revisar los períodos
reason-medicare-before-iep = La inscripción en Medicare se abre con el período de inscripción inicial, que empieza el { $date } (tres meses antes del mes en que cumple 65 años)
reason-ma-oep-not-in-ma = El período de inscripción abierta de Medicare Advantage es solo para quienes ya tenían un plan Medicare Advantage el 1 de enero
reason-ma-oep-used = El único cambio permitido en el período de inscripción abierta de Medicare Advantage ya se usó este año
reason-ma-oep-no-join = El período de inscripción abierta de Medicare Advantage no sirve para pasar de Medicare Original a Medicare Advantage
reason-five-star-used = El período especial de inscripción de 5 estrellas se puede usar una vez entre el 8 de diciembre y el 30 de noviembre, y ya se usó
reason-outside-medicare = Fuera de los períodos de inscripción de Medicare (el inicial, del 15 de octubre al 7 de diciembre, o un período especial de inscripción)

## Cambios de membresía rechazados

someone = Un familiar
reason-no-subscriber-coverage-to-add = El suscriptor no tiene cobertura el { $date } a la que agregar a alguien
reason-past-age-limit = { $name } pasó el límite de edad para dependientes (cubierto hasta el { $date } como máximo)
reason-other-market = { $plan } es { $market }: cambiarse a él es una inscripción nueva, que servicios para miembros hace con usted
market-medicare = un plan de Medicare
market-medicaid = un plan de Medicaid
market-group = un plan de grupo del empleador
market-individual = un plan individual
ledger-overlap = { $name } ya tiene cobertura desde el { $date } que se superpone con la nueva
ledger-no-subscriber-coverage = { $name } no tiene cobertura como suscriptor el { $date }
ledger-nothing-open = { $name } no tiene una cobertura vigente que cambiar
ledger-no-coverage = { $name } no tiene cobertura el { $date }
ledger-is-subscriber = { $name } es el suscriptor: termine la cobertura de toda la familia
ledger-self-as-dependent = No se puede agregar un dependiente con la relación «uno mismo»
ledger-already-ends = La cobertura de { $name } ya termina el { $date }; servicios para miembros puede corregir esa fecha
ledger-later-coverage = { $name } tiene cobertura que empieza el { $start }, después del { $date }; no puede terminar antes de empezar
ledger-nothing-to-reinstate = { $name } no tiene una cobertura terminada que restablecer
ledger-subscriber-not-open = No se puede restablecer a { $name } mientras la cobertura de { $subscriber } en ese plan esté terminada
ledger-invariant = El cambio no concuerda con la cobertura registrada; servicios para miembros puede revisarlo con usted

## Atención fuera del área rechazada (AWY-*)

reason-area-needs-coverage = Un área de atención necesita una cobertura activa
reason-away-medicaid = Los planes de Medicaid no cubren la atención de rutina en persona fuera del área; la atención urgente y de emergencia está cubierta en cualquier lugar
reason-away-specialty-referral = La atención de especialidad fuera del área necesita una remisión de un médico de la región que visita

## Tarjeta de identificación rechazada (ELG-01, SEED-03)

reason-card-no-coverage = Este miembro no tiene cobertura registrada, por eso no hay tarjeta de identificación
reason-card-not-active = La cobertura no está activa el { $date }, por eso no hay tarjeta de identificación para ese día
reason-card-medicare = La tarjeta digital de identificación de miembro no está disponible en los planes de Medicare; use su tarjeta impresa
reason-card-out-of-area = La tarjeta digital de identificación de miembro no está disponible en los planes fuera del área; use su tarjeta impresa
reason-card-pos = La tarjeta digital de identificación de miembro no está disponible en los planes Flexible Choice de punto de servicio; use su tarjeta impresa
reason-card-not-offered = La tarjeta digital de identificación de miembro no se ofrece en este plan; use su tarjeta impresa

## Un rechazo como lo lee el miembro

explain-refused = { $reason }.
explain-refused-from = { $reason }. Puede hacer este cambio a partir del { $date }.

## Períodos de inscripción

window-any-time = En cualquier momento
window-open-enrollment = Inscripción abierta para { $year }
window-special = Inscripción especial después de { $event }
window-employer-open = Inscripción abierta del empleador
window-icep = Período de elección de cobertura inicial
window-iep = Período de inscripción inicial
window-aep = Período de elección anual de Medicare
window-ma-oep = Período de inscripción abierta de Medicare Advantage
window-five-star = Período especial de inscripción de 5 estrellas
window-gep = Período de inscripción general de Medicare
window-medicaid = Medicaid y CHIP: solicite en cualquier momento
window-special-life-change = Inscripción especial después de un cambio en su vida
window-your-employer-open = La inscripción abierta de su empleador
window-special-child = Inscripción especial después de un nacimiento, una adopción o una colocación
window-special-marriage-loss = Inscripción especial después de un matrimonio o de la pérdida de otra cobertura
window-iep-65 = Inscripción inicial alrededor de sus 65 años

## Cuándo empieza la cobertura, en cada período

effective-on = { $date }
effective-oe-late = { $date } si elige antes del { $by }; { $later } si elige después
effective-sep = Dentro de los { $days } días posteriores al evento; el 1 del mes siguiente a su elección de plan (nacimientos y adopciones: desde el día del evento)
effective-employer = Lo fija su empleador
effective-group-child = Dentro de { $days } días; cobertura desde el día del evento
effective-group-other = Dentro de { $days } días; el 1 del mes siguiente a la solicitud
effective-iep = El 1 del mes de su cumpleaños si se inscribe antes; si no, el 1 del mes siguiente a su inscripción
effective-jan-1 = 1 de enero
effective-ma-oep = El 1 del mes siguiente a la solicitud (miembros de un plan Medicare Advantage el 1 de enero, un cambio)
effective-gep = El 1 del mes siguiente a su inscripción
effective-five-star = El 1 del mes siguiente a la solicitud (una vez, a un plan de 5 estrellas)
effective-medicaid-month = El 1 del mes de la solicitud
effective-medicaid-day = El día de la solicitud

## Notas de un cambio permitido

note-contact-any-day = Los datos de contacto se pueden actualizar cualquier día.
note-dependent-through = El dependiente sigue cubierto hasta el { $date }, el final del mes de la solicitud.
note-coverage-ends = La cobertura termina el { $date }, el último día del mes de la solicitud.
note-end-medicare = La baja de Medicare Advantage fuera de un período de elección se tramita con Medicare; el miembro conserva Medicare Original.
note-end-medicaid = Un retiro voluntario también termina la inscripción continua de 12 meses de un niño.
note-end-group = Los dependientes del plan pierden la cobertura el mismo día; luego se ofrece la continuación (COBRA) o una inscripción especial.
note-end-individual = Dejar la cobertura voluntariamente no abre un período especial de inscripción.
note-starts-on-event = La cobertura empieza el día de { $event } ({ $date }).
note-credit-from = El crédito tributario para la prima y las reducciones de costos compartidos empiezan el { $date }.
note-no-gap = Elegido antes de que termine la cobertura anterior el { $date }: sin interrupción.
note-newborn-automatic = Un recién nacido está cubierto automáticamente durante { $days } días (hasta el { $date }); inscribirlo antes continúa la cobertura.
note-aep-last-counts = Si se hacen varias elecciones, cuenta la última hecha antes del final del período.
note-one-change = Solo se permite un cambio en este período.
note-once = Se puede usar una vez en este período.
note-medicaid-month = La cobertura empieza el 1 del mes de la solicitud.
note-medicaid-day = La cobertura empieza el día de la solicitud.

## Farmacia: la tarjeta registrada y los medicamentos que informa el miembro

rx-card-brand = La tarjeta debe ser una de estas: { $brands }
rx-card-last4 = Escriba los últimos cuatro dígitos de la tarjeta
rx-card-expiry = Escriba la fecha de vencimiento como MM/AAAA
rx-card-expired = Esta tarjeta está vencida
rx-outside-name = Diga qué medicamento es
rx-outside-too-long = El nombre debe tener menos de 200 caracteres y la dosis menos de 500

## Expediente: solicitudes que presenta el miembro

rec-request-amendment-details = Diga qué está mal en su expediente y qué debería decir
rec-request-copies-details = Diga de qué quiere copias
rec-request-too-long = Escriba menos de 4000 caracteres

## Cobertura: lo que el miembro escribió en un formulario

entry-dependent-name = Escriba el nombre y el apellido del nuevo familiar
entry-gender = El género debe ser femenino, masculino, otro o desconocido
entry-birth-future = La fecha de nacimiento no puede ser en el futuro
entry-dependent-self = Un dependiente no puede tener la relación "uno mismo"
entry-phone = Los números de teléfono se escriben en forma internacional, p. ej. +12065550123
entry-street-city = Escriba la dirección y la ciudad
entry-state = El estado son dos letras mayúsculas, p. ej. WA
entry-zip = El código postal tiene 5 dígitos (o ZIP+4: 98101-1234)
