"""Write docs/tahv_icb_gp_it_operating_model_2024-2027.pdf, an invented eval document.

All the words are in CONTENT below; the PDF is output only. invariant=1 makes the bytes
repeatable, so an edit here followed by a rebuild gives a reviewable change:

    /work/main/.venv/bin/python eval/corpora/tarnbridge/build_tahv_operating_model_pdf.py
"""

from __future__ import annotations

from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import KeepTogether, PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

HERE = Path(__file__).parent
PDF = HERE / "docs" / "tahv_icb_gp_it_operating_model_2024-2027.pdf"
DOC_TITLE = "Tarnbridge and Holme Valley GP IT Operating Model 2024-2027"
PUBLISHER = "NHS Tarnbridge and Holme Valley Integrated Care Board"
# The tick in the matrix needs a font that has U+2713; Helvetica does not.
TICK_FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
TICK = "\u2713"

COVER = [
    ("cover_org", PUBLISHER),
    ("cover_title", DOC_TITLE),
    ("cover_sub", "How GP IT is commissioned, funded and delivered for general practice, "
                  "1 October 2024 to 31 March 2027"),
    ("cover_line", "Version 2.0 | Approved by the Digital Primary Care Board on 4 September 2024"),
    ("cover_line", "Published 19/09/2024 | Next review: by December 2026"),
    ("cover_line", "Document owner: Head of Digital Primary Care, NHS Tarnbridge and Holme Valley ICB"),
    ("cover_line", "Classification: OFFICIAL"),
]

# (style, text) pairs; "ul" takes a list, "matrix" and "priorities" insert a table.
CONTENT = [
    ("h1", "1 Introduction"),
    ("h2", "1.1 Purpose of this document"),
    ("p", "This operating model explains how NHS Tarnbridge and Holme Valley Integrated Care Board "
          "(the ICB) secures information technology for the general practices in its area: what is provided, "
          "who pays for it, who delivers it and what standard it has to meet. A practice manager should be "
          "able to read it and know which requests go to the delivery partner, which costs fall to the "
          "practice and where to go when the answer is not obvious."),
    ("p", "It sits beneath the national Primary Care (GP) Digital Services Operating Model issued by NHS England "
          "and does not repeat it. Where this document is silent, the national model applies. Where the two "
          "conflict, the national model prevails and the ICB will correct this document at its next review."),
    ("h2", "1.2 Who it applies to"),
    ("p", "The model applies to all 63 practices holding a GMS, PMS or APMS contract with the ICB, to the 11 "
          "Primary Care Networks (PCNs) they form, and to Brackenmoor Digital Health (BDH), which the ICB "
          "has contracted to deliver GP IT services. It does not cover community pharmacy, dental or "
          "optometry contractors, whose digital arrangements are set out separately."),
    ("h2", "1.3 Period and status"),
    ("p", "This edition runs from 1 October 2024 to 31 March 2027. It replaces, in full, the GP IT Operating "
          "Model 2017-2020 issued jointly by the former NHS Tarnbridge CCG and NHS Holme Valley CCG, and the "
          "interim arrangements that the ICB has operated since 1 July 2022. Nothing in the 2017-2020 "
          "edition continues to apply unless this document repeats it."),
    ("p", "The operating model is a commissioning framework, not a contract. The legal obligations between the "
          "ICB and each practice are in the ICB-Practice Agreement, which every practice is asked to sign; "
          "the obligations of BDH are in its contract with the ICB, which runs from 1 October 2023 to "
          "30 September 2028 with an option to extend by up to two years."),
    ("h2", "1.4 How the document is arranged"),
    ("p", "Section 2 gives definitions. Sections 3 and 4 describe the organisations involved and their "
          "responsibilities, ending with a matrix in clause 4.6. Sections 5 to 13 deal in turn with funding, "
          "service levels, devices, clinical systems, connectivity, information governance, telephony, business "
          "continuity and services for patients. Section 14 covers assurance. Appendix A lists the core "
          "services, Appendix B the non-core services and Appendix C the enabling services."),
    ("h2", "1.5 Document control"),
    ("p", "Version 1.0 was circulated for consultation with the Tarnbridge and Holme Valley LMC in May 2024. "
          "Version 2.0 takes account of the comments received and was approved by the Digital Primary Care "
          "Board on 4 September 2024. Changes made between reviews are announced on the ICB website and "
          "recorded in a change log kept by the Digital Primary Care team."),

    ("h1", "2 Definitions and abbreviations"),
    ("p", "Throughout this document the words below have the meaning given to them here."),
    ("ul", [
        "<b>Core service</b> means a service the ICB is required to make available to every practice and "
        "funds in full. A practice does not pay for a core service and cannot be charged for it by BDH.",
        "<b>Non-core service</b> means a service that a practice may decide to obtain. The practice selects "
        "it, contracts for it and pays for it, although the ICB may give advice or point to a national "
        "framework.",
        "<b>Enabling service</b> means work the ICB or BDH does behind the scenes so that core services can "
        "be delivered, such as contract management, technical design and information governance advice.",
        "<b>Delivery partner</b> means Brackenmoor Digital Health, an IT service hosted by Corrie Vale "
        "Commissioning Support Unit (CSU).",
        "<b>Entitlement</b> means the number of ICB-funded end-user devices a practice may hold, as worked out "
        "under clause 7.1.",
        "<b>Standard build</b> means the BDH-managed Windows image, security tooling and software set "
        "installed on every ICB-funded device.",
        "<b>Working hours</b> means 08:00 to 18:30, Monday to Friday, excluding bank holidays in England. "
        "Targets expressed in working hours or working days only run during working hours.",
    ]),
    ("p", "The following abbreviations are used: ARRS, Additional Roles Reimbursement Scheme; DPCB, Digital "
          "Primary Care Board; DSPT, Data Security and Protection Toolkit; HSCN, Health and Social Care "
          "Network; LMC, Local Medical Committee; NWRS, National Workforce Reporting Service; RA, "
          "Registration Authority; WTE, whole-time equivalent."),

    ("h1", "3 Organisations and governance"),
    ("h2", "3.1 The ICB"),
    ("p", "The ICB was established on 1 July 2022 under the Health and Care Act 2022. It took over the "
          "functions of NHS Tarnbridge CCG and NHS Holme Valley CCG, which were abolished on 30 June 2022, "
          "including their responsibility for GP IT. The ICB serves a registered population of about "
          "742,000 people."),
    ("h2", "3.2 The Digital Primary Care Board"),
    ("p", "The DPCB is the ICB group that makes decisions about GP IT. It meets every other month, is chaired "
          "by the ICB Director of Primary Care and includes two practice managers, a GP nominated by the "
          "LMC, a PCN clinical director, the ICB Caldicott Guardian and the BDH service director. It approves "
          "this operating model, the annual allocations and any change to the list of core services."),
    ("h2", "3.3 The delivery partner"),
    ("p", "BDH began delivering services on 1 October 2023, taking over from the Tarnbridge and Holme Health "
          "Informatics Service, whose contract ended on 30 September 2023. BDH operates the service desk, "
          "the engineering teams, the device catalogue and the training service described in section 6."),
    ("h2", "3.4 Escalation"),
    ("p", "A practice unhappy with the handling of a ticket should first ask the service desk to escalate it to "
          "the duty service manager. If the matter is still not resolved within five working days, the "
          "practice may write to the ICB Digital Primary Care team, which will review it with BDH and reply "
          "within 15 working days. Disputes about whether a service is core are decided by the DPCB."),

    ("h1", "4 Roles and responsibilities"),
    ("h2", "4.1 The ICB"),
    ("p", "The ICB commissions and funds the core services, manages the BDH contract, sets the annual GP IT "
          "budget, keeps the list of core services under review and assures NHS England that the national "
          "requirements are met in its area."),
    ("h2", "4.2 Practices"),
    ("p", "Each practice remains the data controller for its patient records and is responsible for the way its "
          "staff use the equipment and systems provided. In particular:"),
    ("h3", "4.2.1 Information governance"),
    ("p", "The practice must complete and publish its DSPT assessment by 30 June every year, appoint an "
          "information governance lead and a Caldicott Guardian (who may be shared within a PCN), and report "
          "data security incidents as section 10 requires."),
    ("h3", "4.2.2 Care of equipment"),
    ("p", "The practice must keep ICB-funded equipment secure, tell BDH when a device is moved between sites, "
          "and return equipment that is no longer needed. Loss or damage caused by negligence may be recharged."),
    ("h3", "4.2.3 Staff changes"),
    ("p", "The practice must tell BDH of starters and leavers through the BDH Hub portal. Leavers' accounts "
          "must be requested for closure no later than their last working day, and the local RA sponsor must "
          "revoke or update their smartcard access at the same time."),
    ("h3", "4.2.4 Practice-funded purchases"),
    ("p", "Where a practice buys IT that connects to the practice network, it must buy it through the BDH "
          "catalogue or obtain BDH's written agreement first. Equipment bought elsewhere will not be joined "
          "to the network and will not be supported."),
    ("h2", "4.3 Brackenmoor Digital Health"),
    ("p", "BDH delivers the core services to the standards in section 6, maintains the asset register of every "
          "ICB-funded device, manages the refresh programme, provides the DSPT pre-check service and reports "
          "performance to the DPCB each quarter."),
    ("h2", "4.4 NHS England"),
    ("p", "NHS England sets the national operating model and standards, runs the national procurement routes "
          "for clinical systems, provides national services such as NHSmail, the HSCN framework and the "
          "Spine, and allocates the national GP IT funding to ICBs."),
    ("h2", "4.5 Primary Care Networks"),
    ("p", "PCNs are responsible for agreeing how shared digital tools are used across their member practices, "
          "for requesting equipment for ARRS staff (see clause 7.4) and for nominating a digital lead who "
          "attends the quarterly PCN digital forum run by the ICB."),
    ("h2", "4.6 Responsibilities matrix"),
    ("p", "The matrix below summarises who does what. A tick shows the organisation that holds the responsibility; "
          "a word shows a supporting or limited role. Where the text of sections 4 to 11 says something more "
          "detailed, the text applies."),
    ("matrix", "Table 1: Responsibilities for GP IT in Tarnbridge and Holme Valley"),
    ("p", "Key: a tick = holds the responsibility and does the work; Sponsor = nominates the local RA sponsor; Advise = gives guidance only; Fund = pays but does not "
          "deliver; Assure = checks that others have done it; a blank cell means no role."),

    ("h1", "5 Funding"),
    ("h2", "5.1 Sources of money"),
    ("p", "GP IT in the ICB area is paid for from three sources: the national GP IT revenue and capital "
          "allocations that NHS England makes to the ICB each year, the ICB's own primary care budget, and "
          "practices themselves for anything outside the core offer. National allocations are ring-fenced for "
          "the purposes NHS England sets and are not used for non-core services."),
    ("h2", "5.2 How the ICB budget is used"),
    ("p", "Revenue pays for the BDH contract, clinical system licences, HSCN circuits and the Practice Digital "
          "Allowance. Capital pays for the device refresh, network equipment and one-off infrastructure "
          "projects. The amounts for each year are published in the annual allocations document, which is "
          "read together with this operating model."),
    ("h2", "5.3 Practice Digital Allowance"),
    ("p", "Each practice receives a Practice Digital Allowance, calculated per registered patient, to spend on "
          "approved digital items not covered by the core offer. The rate, the minimum and maximum amounts, "
          "and the uplift for practices in the Holme Valley upland zone are set each year by the DPCB and "
          "published in the allocations document."),
    ("h2", "5.4 What practices pay for"),
    ("p", "The following are always paid for by the practice and never by the ICB:"),
    ("ul", [
        "devices above the practice's entitlement under clause 7.1;",
        "telephony systems, including cloud-based telephony and call recording;",
        "practice websites and online consultation tools other than those bought nationally;",
        "printer consumables such as toner, labels and paper;",
        "mobile phones and their airtime contracts;",
        "repairs needed because equipment was misused, lost or damaged through negligence.",
    ]),

    ("h1", "6 Service delivery and service levels"),
    ("h2", "6.1 Service desk"),
    ("p", "BDH runs a single service desk for all practices. It can be reached by telephone on 0306 999 0417 "
          "or through the BDH Hub portal, where practices can also follow the progress of their tickets. The "
          "desk is staffed from 07:30 to 18:30 Monday to Friday. On Saturdays from 09:00 to 13:00 a reduced "
          "team handles priority 1 incidents only, to support extended access clinics. The desk is closed on "
          "bank holidays."),
    ("h2", "6.2 Priorities and targets"),
    ("p", "Every incident is given a priority when it is logged. Response means a BDH engineer has contacted "
          "the practice and started work; resolution means service is restored, even if by a workaround."),
    ("priorities", "Table 2: Incident priorities and targets"),
    ("p", "BDH must meet the target for at least 95% of tickets in each priority band in each month. "
          "Performance is reported to the DPCB every quarter."),
    ("h2", "6.3 Site visits"),
    ("p", "Where a fault cannot be fixed remotely, an engineer attends. For priority 1 and 2 incidents the "
          "engineer attends on the same working day where the incident is logged before 14:00; otherwise "
          "by the end of the next working day. Routine visits for installations are booked at least five "
          "working days in advance."),
    ("h2", "6.4 Training"),
    ("p", "BDH provides clinical system training for new starters, refresher sessions on request and a monthly "
          "online session for practice managers. Training for the practice's own non-core systems is not "
          "provided."),
    ("h2", "6.5 Software requests"),
    ("p", "Practices may ask for software to be added to their devices through the BDH Hub. BDH checks each "
          "request against the approved software list. Software already on the list is installed as a "
          "priority 4 request. Software not on the list is assessed for security and compatibility first, "
          "which normally takes up to 20 working days; if it is approved, the practice pays any licence cost "
          "unless the software is part of the core offer."),
    ("h2", "6.6 Practice feedback"),
    ("p", "Every closed ticket generates a short satisfaction survey. BDH aims for at least 90% of responses to "
          "rate the service good or very good, and includes the result in its quarterly report. Comments that "
          "raise a concern about clinical safety are passed to the ICB the same day."),

    ("h1", "7 Devices and refresh"),
    ("h2", "7.1 Entitlement"),
    ("p", "A practice is entitled to one ICB-funded device for each 1.0 WTE of practice staff recorded in the "
          "NWRS on 31 March each year, rounded up to a whole number, plus two shared devices for each site "
          "from which the practice provides services. A device is a desktop computer or a laptop with one "
          "monitor, keyboard, mouse and smartcard reader."),
    ("h3", "7.1.1 Example"),
    ("p", "A practice with 23.4 WTE staff working from a main surgery and one branch site is entitled to 24 + 4 = "
          "28 devices."),
    ("h3", "7.1.2 Changes in the year"),
    ("p", "Entitlement is recalculated once a year, from the NWRS figure at 31 March. A practice that grows "
          "during the year may ask the ICB for an in-year review; the ICB will decide within 20 working days."),
    ("h2", "7.2 Refresh cycle"),
    ("p", "ICB-funded desktops are replaced every five years and laptops every four years, counted from the date "
          "the device was first issued. BDH publishes the refresh schedule for each practice at the start of "
          "each financial year. Smartcard readers, keyboards and mice are replaced when they fail rather than "
          "on a cycle."),
    ("h2", "7.3 Devices above entitlement"),
    ("p", "A practice may buy more devices than its entitlement. Such devices are wholly practice-funded, must be "
          "bought through the BDH catalogue and must run the standard build; BDH then supports them as it "
          "supports ICB-funded devices. They are not included in the ICB refresh programme."),
    ("h2", "7.4 Devices for ARRS staff"),
    ("p", "Staff employed under the ARRS may be given an ICB-funded laptop on request from the PCN clinical "
          "director. These laptops are counted separately from practice entitlement and are funded from ICB "
          "capital within a yearly limit set in the allocations document."),
    ("h2", "7.5 Disposal"),
    ("p", "Only BDH may dispose of ICB-funded equipment. Data-bearing equipment is wiped or destroyed to the "
          "national standard and a certificate is kept on the asset register. Practices must not sell, give "
          "away or dispose of ICB-funded devices themselves."),
    ("h2", "7.6 Printers and scanners"),
    ("p", "The ICB funds one networked multifunction printer for each practice site and one label or "
          "prescription printer for each clinical room. Printers are replaced when BDH judges that repair is "
          "no longer economic. Consumables and any additional printers are paid for by the practice."),

    ("h1", "8 Clinical systems"),
    ("h2", "8.1 Foundation clinical system"),
    ("p", "Each practice has one foundation clinical system, bought by the ICB through the national GP IT Futures "
          "framework, now the Digital Care Services Catalogue. The ICB pays the licence and the standard "
          "modules. Additional modules that the national route does not fund are non-core."),
    ("h2", "8.2 Changing clinical system"),
    ("p", "A practice may move to a different foundation system. The ICB funds one migration per practice in any "
          "five-year period, including data migration, training and the temporary costs of running two systems. "
          "A practice must give the ICB at least nine months' notice of a planned migration."),
    ("h2", "8.3 Practice mergers"),
    ("p", "When practices merge, the ICB funds the merger of their clinical records as a core service, provided "
          "the merger has been approved by the ICB primary care commissioning committee."),

    ("h1", "9 Connectivity"),
    ("h2", "9.1 HSCN"),
    ("p", "Every practice site has an HSCN connection funded by the ICB. The standard connection is 100 Mbps. "
          "Sites in the Holme Valley upland zone that are served by older copper lines run at up to 80 Mbps "
          "until the lines can be upgraded; the ICB will confirm the upgrade programme separately."),
    ("h2", "9.2 Local network and Wi-Fi"),
    ("p", "The local area network, firewall and Wi-Fi in each practice are core services. The Wi-Fi offers a "
          "staff network and a separate patient network; practices may not add their own wireless access "
          "points."),
    ("h2", "9.3 Resilience of connections"),
    ("p", "Each main surgery site has a mobile data back-up router that takes over automatically if the HSCN "
          "line fails, so that the clinical system remains available at reduced speed. Branch sites with fewer "
          "than six devices do not have a back-up router; during an outage their staff should work from the "
          "main site or use ICB-managed laptops on the remote access service."),

    ("h1", "10 Information governance and cyber security"),
    ("h2", "10.1 DSPT"),
    ("p", "All practices must meet the standards of the DSPT and submit their assessment by 30 June each year. "
          "BDH offers every practice a DSPT pre-check during April and May, in which it reviews the evidence "
          "the practice intends to submit and confirms the technical items it is responsible for."),
    ("h2", "10.2 Cyber incidents"),
    ("p", "A suspected cyber incident must be reported to the BDH service desk by telephone immediately, and not "
          "by portal or email. The practice must also tell the ICB Digital Primary Care team within 24 hours. "
          "BDH will isolate affected devices and, where needed, involve the national cyber security operations "
          "centre."),
    ("h2", "10.3 Registration Authority"),
    ("p", "The RA service, which issues and manages smartcards, is provided by the RA team at Corrie Vale CSU. "
          "Each practice nominates a local RA sponsor. Requests for new smartcards are processed within five "
          "working days of a complete request."),
    ("h2", "10.4 Remote working"),
    ("p", "Remote access to practice systems is permitted only on ICB-managed devices and in line with the "
          "ICB's Remote Access and Mobile Devices Policy for GP Practices."),
    ("h2", "10.5 Security training"),
    ("p", "All practice staff with a network account must complete the national data security awareness "
          "training each year. BDH also runs a phishing simulation at least twice a year and gives each practice "
          "its own results, which practices may use as evidence in the DSPT."),

    ("h1", "11 Telephony"),
    ("p", "Practice telephony, including cloud-based telephony, is non-core and funded by the practice. The ICB "
          "will advise practices on the national telephony framework and on the data features that the "
          "national model expects, and BDH will make sure the telephony system can connect to the practice "
          "network, but neither the ICB nor BDH procures or supports telephony."),

    ("h1", "12 Business continuity"),
    ("h2", "12.1 Practice plans"),
    ("p", "Every practice must keep a business continuity plan that covers the loss of the clinical system, the "
          "network, power and telephony, and must test the IT parts of it at least once a year. BDH will take "
          "part in one test a year for each practice on request and will supply the technical contact details "
          "the plan needs."),
    ("h2", "12.2 Major outages"),
    ("p", "When an outage affects more than one practice, BDH declares a major incident, tells the ICB at once "
          "and sends updates to all affected practices at least every hour until service is restored. A short "
          "report on the cause and on the steps taken to prevent a repeat is sent to the DPCB within ten "
          "working days."),
    ("h3", "12.2.1 Clinical system supplier outages"),
    ("p", "Outages at the clinical system supplier's data centre are outside BDH's control. BDH will log them, "
          "keep practices informed and pursue the supplier, but resolution targets in Table 2 do not apply to "
          "them."),
    ("h2", "12.3 Data held locally"),
    ("p", "Practices should hold no patient data on local drives. Practice shared drives are hosted by BDH and "
          "backed up every night, with backups kept for 90 days. Data saved on the local drive of a device is "
          "not backed up and is lost when the device is refreshed."),

    ("h1", "13 Digital services for patients"),
    ("p", "Patient-facing services such as the NHS App, online access to records and online consultation tools "
          "are largely provided through national arrangements. The ICB's part is to help practices switch them "
          "on and use them well. In particular the ICB will:"),
    ("ul", [
        "fund the online consultation tool chosen by each PCN from the national list for the period of this "
        "operating model;",
        "provide guidance and templates for giving patients online access to their records;",
        "run a digital inclusion programme with local libraries and voluntary groups to help patients who do "
        "not use the internet, or find it difficult, to register and use the NHS App.",
    ]),
    ("p", "Practice websites remain the responsibility of each practice, although the ICB publishes a list of "
          "the content every practice website should carry."),

    ("h1", "14 Assurance and review"),
    ("h2", "14.1 Assurance"),
    ("p", "The ICB checks delivery against this operating model through the quarterly BDH performance report, "
          "an annual survey of practice managers and an annual review of the device asset register against "
          "practice entitlements. A summary is published for practices each summer."),
    ("h2", "14.2 Review of this document"),
    ("p", "The ICB will review this operating model before it expires on 31 March 2027, or earlier if NHS "
          "England publishes a new national operating model. Practices, PCNs and the LMC will be consulted "
          "on the next edition."),

    ("break", None),
    ("h1", "Appendix A: Core services"),
    ("p", "The ICB funds the following services for every practice. The list is a catalogue: the conditions "
          "that apply to each item are set out in the body of this document."),
    ("ul", [
        "Foundation clinical system licence and standard modules through the Digital Care Services Catalogue.",
        "One funded clinical system migration per practice in any five-year period.",
        "Clinical record merger where a practice merger has been approved.",
        "Desktop and laptop devices up to entitlement, with one monitor, keyboard, mouse and smartcard reader.",
        "Refresh of desktops every five years and laptops every four years.",
        "Laptops for ARRS staff within the yearly limit.",
        "The BDH service desk, by telephone and the BDH Hub portal.",
        "On-site engineering support for ICB-funded and catalogue-bought equipment.",
        "HSCN connection for every practice site.",
        "Local area network, firewall and practice Wi-Fi (staff and patient networks).",
        "NHSmail accounts, provided nationally and administered locally by BDH.",
        "Anti-virus, device encryption and security patching on the standard build.",
        "Secure disposal of ICB-funded equipment.",
        "DSPT pre-check and technical evidence for the DSPT.",
        "Cyber incident response for ICB-funded equipment.",
        "Registration Authority services and smartcards.",
        "Clinical system training for new starters and refresher sessions.",
        "Remote access through the BDH VPN on ICB-managed devices.",
        "Data quality support for national data extractions.",
        "Installation and relocation of ICB-funded equipment within and between practice sites.",
        "Nightly backup of practice shared drives, with backups kept for 90 days.",
        "Participation in one business continuity test a year for each practice.",
        "The online consultation tool chosen by each PCN from the national list.",
        "Cyber security awareness e-learning and phishing simulation for practice staff.",
    ]),
    ("h1", "Appendix B: Non-core services"),
    ("p", "The following are not funded by the ICB. A practice may buy them; BDH may offer some of them for a "
          "charge, as shown in its catalogue."),
    ("ul", [
        "Devices above entitlement, and second monitors beyond one per clinical room.",
        "Telephony, including cloud-based telephony, call recording and call queuing.",
        "Practice websites and domain names.",
        "Printers' consumables and printer maintenance beyond the standard warranty.",
        "Mobile phones, tablets for patient use and airtime contracts.",
        "Additional clinical system modules not funded through the national route.",
        "Third-party software licences bought by the practice.",
        "Audio-visual equipment for meeting rooms.",
        "Digital signage and patient calling screens.",
        "Training in non-core systems.",
        "Data analysis and reports commissioned by the practice for its own purposes.",
    ]),
    ("h1", "Appendix C: Enabling services"),
    ("ul", [
        "Management of the BDH contract and its performance.",
        "Technical design and standards for practice networks.",
        "Information governance advice to practices and PCNs.",
        "Programme management for the refresh and HSCN upgrade programmes.",
        "Liaison with NHS England on national systems and funding.",
    ]),
]

MATRIX_HEAD = ["Responsibility", "ICB", "Practice", "BDH", "NHS England", "PCN"]
MATRIX = [
    ["Set the national operating model", "", "", "", TICK, ""],
    ["Publish the local operating model", TICK, "", "Advise", "", ""],
    ["Fund core services", TICK, "", "", "Fund", ""],
    ["Deliver core services", "Assure", "", TICK, "", ""],
    ["Run the service desk", "", "", TICK, "", ""],
    ["Keep the device asset register", "Assure", "", TICK, "", ""],
    ["Care for equipment on site", "", TICK, "", "", ""],
    ["Request ARRS laptops", "", "", "", "", TICK],
    ["Buy clinical system through national route", TICK, "", "Advise", "Framework", ""],
    ["Complete the DSPT", "Assure", TICK, "Advise", "", ""],
    ["Report cyber incidents", "", TICK, TICK, "", ""],
    ["Issue smartcards (RA)", "", "Sponsor", TICK, "", ""],
    ["Telephony", "Advise", TICK, "", "Framework", ""],
    ["Approve changes to core services", TICK, "", "", "", ""],
]

PRIORITY_HEAD = ["Priority", "Meaning", "Response", "Resolution"]
PRIORITIES = [
    ["P1", "Whole practice or site cannot work, or clinical safety at risk", "15 minutes", "4 hours"],
    ["P2", "Several users affected, or one clinician cannot work", "1 hour", "8 working hours"],
    ["P3", "One user affected and a workaround exists", "4 working hours", "3 working days"],
    ["P4", "Service request (new account, equipment move, software)", "Not applicable", "10 working days"],
]


def make_styles() -> dict[str, ParagraphStyle]:
    text = ParagraphStyle("text", fontName="Times-Roman", fontSize=10.5, leading=14, spaceAfter=6)
    blue = colors.HexColor("#005EB8")
    return {
        "p": text,
        "li": ParagraphStyle("li", parent=text, leftIndent=16, bulletIndent=4, spaceAfter=2),
        "h1": ParagraphStyle("h1", parent=text, fontName="Helvetica-Bold", fontSize=13.5, leading=17,
                             spaceBefore=14, spaceAfter=6, textColor=blue),
        "h2": ParagraphStyle("h2", parent=text, fontName="Helvetica-Bold", fontSize=11, leading=14,
                             spaceBefore=8, spaceAfter=4),
        "h3": ParagraphStyle("h3", parent=text, fontName="Helvetica-BoldOblique", fontSize=10.5, leading=13,
                             spaceBefore=4, spaceAfter=3),
        "cell": ParagraphStyle("cell", parent=text, fontName="Helvetica", fontSize=8.5, leading=10.5, spaceAfter=0),
        "tick": ParagraphStyle("tick", parent=text, fontName="DejaVu", fontSize=9, leading=10.5, spaceAfter=0,
                               alignment=1),
        "th": ParagraphStyle("th", parent=text, fontName="Helvetica-Bold", fontSize=8.5, leading=10.5,
                             spaceAfter=0, textColor=colors.white),
        "cover_org": ParagraphStyle("cover_org", parent=text, fontName="Helvetica", fontSize=12, spaceAfter=36,
                                    textColor=blue),
        "cover_title": ParagraphStyle("cover_title", parent=text, fontName="Helvetica-Bold", fontSize=24,
                                      leading=30, spaceAfter=18),
        "cover_sub": ParagraphStyle("cover_sub", parent=text, fontSize=13, leading=17, spaceAfter=48),
        "cover_line": ParagraphStyle("cover_line", parent=text, fontName="Helvetica", fontSize=10, spaceAfter=5),
    }


def grid(head: list[str], rows: list[list[str]], widths: list[float], st: dict, centre_from: int) -> Table:
    def cell(text: str, column: int) -> Paragraph:
        return Paragraph(text, st["tick"] if column >= centre_from else st["cell"])

    data = [[Paragraph(h, st["th"]) for h in head]]
    data += [[cell(text, i) for i, text in enumerate(row)] for row in rows]
    table = Table(data, colWidths=[w * mm for w in widths], repeatRows=1)
    table.setStyle(TableStyle([
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#005EB8")),
        ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, colors.HexColor("#E8EDEE")]),
        ("BOX", (0, 0), (-1, -1), 0.75, colors.HexColor("#425563")),
        ("INNERGRID", (0, 0), (-1, -1), 0.25, colors.HexColor("#AEB7BD")),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 4),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
    ]))
    return table


def flowables() -> list:
    st = make_styles()
    out: list = [Spacer(1, 50 * mm)] + [Paragraph(text, st[style]) for style, text in COVER] + [PageBreak()]
    for style, body in CONTENT:
        if style == "ul":
            out += [Paragraph(item, st["li"], bulletText="\u2022") for item in body]
        elif style == "matrix":
            out += [Paragraph(f"<b>{body}</b>", st["p"]),
                    grid(MATRIX_HEAD, MATRIX, [58, 22, 22, 22, 25, 21], st, centre_from=1), Spacer(1, 6)]
        elif style == "priorities":
            out.append(KeepTogether([Paragraph(f"<b>{body}</b>", st["p"]),
                                     grid(PRIORITY_HEAD, PRIORITIES, [18, 82, 35, 35], st, centre_from=99),
                                     Spacer(1, 6)]))
        elif style == "break":
            out.append(PageBreak())
        else:
            out.append(Paragraph(body, st[style]))
    return out


class FurnishedCanvas(Canvas):
    """Holds every page back until the end so the footer can say "Page n of N"."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._held: list[dict] = []

    def showPage(self):
        self._held.append(dict(self.__dict__))
        self._startPage()

    def save(self):
        total = len(self._held)
        for number, page in enumerate(self._held, start=1):
            self.__dict__.update(page)
            if number > 1:  # the cover carries no furniture
                self._furnish(number, total)
            super().showPage()
        super().save()

    def _furnish(self, number: int, total: int) -> None:
        width, height = A4
        self.saveState()
        self.setFont("Helvetica", 7.5)
        self.setFillColor(colors.HexColor("#425563"))
        self.drawString(18 * mm, height - 11 * mm, f"{DOC_TITLE} | Version 2.0")
        self.drawRightString(width - 18 * mm, height - 11 * mm, "NHS Tarnbridge and Holme Valley ICB")
        self.setStrokeColor(colors.HexColor("#005EB8"))
        self.line(18 * mm, height - 13 * mm, width - 18 * mm, height - 13 * mm)
        self.drawString(18 * mm, 10 * mm, "OFFICIAL | Uncontrolled when printed")
        self.drawRightString(width - 18 * mm, 10 * mm, f"Page {number} of {total}")
        self.restoreState()


def build(path: Path = PDF) -> None:
    pdfmetrics.registerFont(TTFont("DejaVu", TICK_FONT))
    doc = SimpleDocTemplate(str(path), pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=22 * mm,
                            bottomMargin=20 * mm, title=DOC_TITLE, author=PUBLISHER,
                            subject="GP IT operating model, version 2.0", creator="TaHV ICB Digital Primary Care",
                            invariant=1)
    doc.build(flowables(), canvasmaker=FurnishedCanvas)


if __name__ == "__main__":
    build()
    print(f"wrote {PDF}")
