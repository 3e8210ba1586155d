"""Write docs/cfi_gp_digital_operating_model_2025-2028.pdf, an invented eval document.

Every word lives in the lists below; the PDF is only output. invariant=1 keeps the bytes stable
between runs, so a text edit and a rebuild give a reviewable diff:

    /work/main/.venv/bin/python eval/corpora/calderwick/build_cfi_operating_model_pdf.py

The layout differs on purpose from the other corpora's PDFs (numbered paragraphs with a hanging
number, boxed key points, a RACI letter grid, a glossary table), so the eval tests reading rather
than one writer's page shape.
"""

from __future__ import annotations

from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (KeepTogether, PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table,
                                TableStyle)

HERE = Path(__file__).parent
PDF = HERE / "docs" / "cfi_gp_digital_operating_model_2025-2028.pdf"
DOC_TITLE = "Calderwick and Fenmouth GP Digital Operating Model 2025-2028"
PUBLISHER = "NHS Calderwick and Fenmouth Integrated Care Board"
TEAL = colors.HexColor("#00606B")
SAND = colors.HexColor("#F4EFE1")
SLATE = colors.HexColor("#3B4A54")

COVER = [
    ("cover_org", PUBLISHER),
    ("cover_title", DOC_TITLE),
    ("cover_sub", "The arrangements under which general practices in Calderwick and Fenmouth receive, "
                  "pay for and look after their digital services"),
    ("cover_line", "Version 1.1, approved by the GP Digital Assurance Group on 26 February 2025"),
    ("cover_line", "Published: 11 March 2025. Applies from 1 April 2025 to 31 March 2028"),
    ("cover_line", "Owner: Head of Primary Care Digital. Next review due by October 2027."),
    ("cover_line", "Audience: practice managers, partners, PCN clinical directors and digital leads."),
]

# (kind, text). "n" is a numbered paragraph: text is (number, body). "key" is a boxed key point.
# "ul" takes a list. "raci", "priorities", "glossary" insert tables; "break" starts a page.
CONTENT = [
    ("h1", "Section 1. About this model"),
    ("n", ("1.1", "The GP Digital Operating Model sets out, for every general practice in the area of NHS "
                  "Calderwick and Fenmouth Integrated Care Board, which digital services are provided, who "
                  "pays for each of them, who does the work and how practices ask for help. It is written "
                  "for the people in a practice who deal with these matters day to day, and it tries to "
                  "answer their questions in the order they tend to arise.")),
    ("n", ("1.2", "The model applies to the 52 practices that hold a primary medical services contract with "
                  "the ICB and to the 9 Primary Care Networks those practices belong to. It also binds the "
                  "ICB's own Primary Care Digital Team and, through its contract, the field engineering "
                  "contractor Sallowfield Technical Services Ltd.")),
    ("n", ("1.3", "It runs from 1 April 2025 to 31 March 2028. It takes the place of the GP IT Operating "
                  "Framework 2018-2021 published by the two former clinical commissioning groups and of "
                  "the holding arrangements the ICB used from its formation on 1 July 2022 until this "
                  "edition came into force. Where this model says nothing on a subject, the earlier "
                  "framework does not fill the gap.")),
    ("n", ("1.4", "NHS England publishes a national Primary Care (GP) Digital Services Operating Model. This "
                  "local model adds the detail that the national model leaves to each ICB. If the two ever "
                  "disagree, the national model is followed and this document is corrected.")),
    ("n", ("1.5", "A draft, version 1.0, was shared with the Calderwick and Fenmouth Local Medical Committee "
                  "and with PCN clinical directors between December 2024 and January 2025. Version 1.1 "
                  "reflects that consultation and was approved by the GP Digital Assurance Group on "
                  "26 February 2025.")),
    ("n", ("1.6", "This is a commissioning document and not a contract. A practice's obligations are in its "
                  "Digital Services Agreement with the ICB; the contractor's obligations are in its contract, "
                  "Schedule 2 of which is the field engineering service specification.")),
    ("key", "Key point: if something is not listed as core in Appendix A, assume the practice pays for it "
            "until the Primary Care Digital Team confirms otherwise in writing."),

    ("h1", "Section 2. The organisations and what each does"),
    ("n", ("2.1", "The ICB commissions and funds GP digital services. Its GP Digital Assurance Group, which "
                  "meets quarterly and is chaired by the Associate Director of Primary Care Digital, owns "
                  "this model, approves business cases for local enhancements and receives performance "
                  "reports.")),
    ("n", ("2.2", "Unlike the arrangement under the former CCGs, there is no hosted informatics provider. "
                  "Most services are delivered in-house by the ICB's Primary Care Digital Team, which runs "
                  "the service desk, project and migration support, information governance and cyber "
                  "security advice, the Registration Authority and training.")),
    ("n", ("2.3", "Work that needs an engineer on site is carried out by Sallowfield Technical Services Ltd "
                  "(STS) under a contract running from 1 April 2025 to 31 March 2030, which the ICB may "
                  "extend twice by twelve months. STS installs, moves and repairs equipment, images new "
                  "devices, carries out site surveys and collects equipment for disposal. STS does not take "
                  "calls from practices: every request goes through the service desk, which passes "
                  "on-site work to STS.")),
    ("n", ("2.4", "Practices are responsible for the way they use digital services: keeping their asset "
                  "list and staff list accurate, following information governance law and policy, "
                  "arranging the services that are theirs to buy, and giving engineers access to the "
                  "premises when work has been booked.")),
    ("n", ("2.5", "Primary Care Networks coordinate digital matters that cross practice boundaries, such as "
                  "shared rotas, hub sites and the devices used by staff the PCN employs. Each PCN names a "
                  "digital lead, who is the first contact for the Primary Care Digital Team on PCN-wide "
                  "work.")),
    ("n", ("2.6", "NHS England runs the national systems and services on which practices rely, including "
                  "the national catalogue through which clinical systems are bought, the spine services "
                  "and the national cyber operations centre, and sets the standards that local services "
                  "have to meet.")),
    ("n", ("2.7", "The table below shows, for the main activities, which body is Responsible (does the "
                  "work), Accountable (answers for it and signs it off), Consulted before action, or "
                  "Informed afterwards. A blank cell means the body has no routine part in that activity.")),
    ("raci", "Table 1. Responsibilities (R = responsible, A = accountable, C = consulted, I = informed)"),
    ("n", ("2.8", "Where the table shows the ICB as accountable and the practice as responsible, the usual "
                  "meaning is that the ICB pays and the practice arranges. Booking a disposal collection is "
                  "an example: the ICB meets the cost of collection and destruction, but the practice "
                  "raises the request and keeps the certificate.")),
    ("n", ("2.9", "A practice that is unsure who should act should call the service desk, which will say "
                  "so rather than pass the caller between organisations.")),

    ("h1", "Section 3. Categories of service and how they are paid for"),
    ("n", ("3.1", "Every digital service used in general practice falls into one of three categories.")),
    ("ul", ["<b>Core</b> services are funded by the ICB in full and delivered by the Primary Care Digital "
            "Team or STS. They are listed in Appendix A.",
            "<b>Non-core</b> services are chosen, bought and paid for by the practice. The ICB may give "
            "advice about them but does not fund or support them. They are listed in Appendix B.",
            "<b>Local enhancements</b> are services beyond the core that the ICB funds only where the GP "
            "Digital Assurance Group has approved a business case, usually for a named group of "
            "practices and a fixed period."]),
    ("n", ("3.2", "Core services are paid for from the ICB's GP digital revenue and capital budgets, which "
                  "are set each year and published in the annual funding guidance. This model does not "
                  "repeat the annual figures.")),
    ("n", ("3.3", "In addition, each practice receives a Local Digital Fund allocation to spend on items of "
                  "its choosing from an approved list. For 2025/26 the allocation is £1.25 per registered "
                  "patient, subject to a minimum and maximum set in the funding guidance. The rate for "
                  "later years is confirmed each March.")),
    ("n", ("3.4", "The Local Digital Fund may not be spent on telephony call charges, staff salaries, "
                  "goods for personal use or anything already provided as a core service.")),
    ("n", ("3.5", "Where a practice merges, splits or closes a site, the ICB recalculates its entitlements "
                  "from the date the change takes effect. Equipment at a closed site remains ICB property "
                  "and must be returned through the disposal route in Section 4 unless the Primary Care "
                  "Digital Team agrees to move it to another site.")),
    ("n", ("3.6", "Nothing in this model obliges the ICB to fund a service because a practice bought it "
                  "before 1 April 2025 under the former CCG arrangements.")),
    ("key", "Key point: the ICB owns all equipment it funds. A practice may not sell, lend or give away "
            "ICB-funded equipment, even when it has been replaced."),

    ("h1", "Section 4. Workstations, laptops and peripherals"),
    ("n", ("4.1", "Each practice is entitled to a standard workstation count, which is the number of "
                  "ICB-funded desktops or laptops the practice may have at any one time.")),
    ("n", ("4.2", "The standard workstation count is one device for each clinical room in use, plus one "
                  "device for every 1.5 whole-time equivalent administrative staff, rounded up to the "
                  "next whole number. A practice with 9 clinical rooms and 10.2 WTE administrative staff "
                  "is therefore entitled to 9 + 7 = 16 devices.")),
    ("n", ("4.3", "The figures used are those the practice returns in the practice digital census, which "
                  "the Primary Care Digital Team runs every October. A practice that does not return the "
                  "census keeps its previous count for the following year.")),
    ("n", ("4.4", "Within its count a practice may choose a laptop in place of a desktop for any user. "
                  "Each device comes with one monitor, keyboard, mouse and smartcard reader; a second "
                  "monitor is provided for clinical rooms on request.")),
    ("n", ("4.5", "Devices are replaced on a planned cycle: desktops six years after installation and "
                  "laptops four years after issue. Monitors are replaced at the same time as the device "
                  "they are used with, and smartcard readers only when they fail.")),
    ("n", ("4.6", "The Primary Care Digital Team publishes a refresh schedule each April showing which "
                  "devices at each practice will be replaced during the year. STS will contact the "
                  "practice to agree dates at least 10 working days before the work.")),
    ("n", ("4.7", "A device that fails beyond economic repair before its refresh date is replaced at the "
                  "ICB's cost, provided the failure is not the result of misuse or accidental damage.")),
    ("n", ("4.8", "A practice that wants more devices than its count allows pays the full cost of each "
                  "additional device. There is no shared funding for devices above the count.")),
    ("n", ("4.9", "STS will image, install and support a device above the count only when all of the "
                  "following are true:")),
    ("ul", ["it was ordered through the ICB catalogue on DeskLink;",
            "it is a model that appears in the catalogue at the time of ordering;",
            "it runs the ICB standard build and has not had local administrator rights added; and",
            "the practice has recorded it on its asset list within 10 working days of delivery."]),
    ("n", ("4.10", "Devices bought elsewhere may not be connected to the practice network, even if they "
                   "are of the same model as catalogue devices.")),
    ("n", ("4.11", "Staff employed by a PCN under the Additional Roles Reimbursement Scheme are not counted "
                   "in any practice's standard workstation count. Laptops for these staff come from a pool "
                   "held by the ICB, which in 2025/26 is 80 laptops across the nine PCNs. The PCN clinical "
                   "director makes requests on the PCN's behalf.")),
    ("n", ("4.12", "Where an ICB-funded device is lost or stolen, the practice pays for its replacement, "
                   "except where the loss was reported to the police and a crime reference obtained within "
                   "48 hours, and the device was encrypted to the ICB standard. In that case the ICB "
                   "replaces the device at its own cost, but no more than once per practice in each "
                   "financial year.")),
    ("n", ("4.13", "Every loss or theft must also be reported to the service desk on the same day, so that "
                   "the device can be locked and removed from the network.")),
    ("n", ("4.14", "Equipment that is replaced, broken or no longer needed is returned through the ICB "
                   "disposal route. The ICB pays for collection and certified destruction; the practice "
                   "books the collection on DeskLink. Full requirements are in the ICB policy on disposal "
                   "and sanitisation of data-bearing equipment.")),
    ("key", "Key point: printers, scanners and their consumables are non-core. Practices buy and maintain "
            "their own, although STS will connect a printer to the network when asked through the desk."),

    ("h1", "Section 5. Clinical systems"),
    ("n", ("5.1", "Each practice uses a foundation clinical system bought through NHS England's Digital Care "
                  "Services Catalogue. The ICB places the call-off order and pays the foundation licence "
                  "for every practice.")),
    ("n", ("5.2", "Add-on modules and third-party products that work alongside the clinical system are "
                  "non-core, unless NHS England funds them nationally or they appear in Appendix A.")),
    ("n", ("5.3", "The ICB funds one change of foundation clinical system for each practice during the "
                  "period of this model. The Primary Care Digital Team plans the migration and trains "
                  "staff; the practice is responsible for checking its own data before and after the "
                  "move and for signing off that the migrated record is complete.")),
    ("n", ("5.4", "Clinical system training is provided free for new starters, up to two sessions for each "
                  "new member of staff. Further sessions can be bought from the Primary Care Digital "
                  "Team at the rate in its price list.")),
    ("n", ("5.5", "Practices must not install software on ICB-funded devices themselves. Requests for new "
                  "software are made through the desk and are checked for safety and compatibility before "
                  "approval.")),
    ("n", ("5.6", "Where a PCN runs a shared clinic, the practices involved agree data sharing "
                  "arrangements between themselves; the Primary Care Digital Team can advise on the "
                  "technical set-up but is not a party to those agreements.")),

    ("h1", "Section 6. Networks and connectivity"),
    ("n", ("6.1", "Each practice site has an HSCN connection funded by the ICB. The standard connection "
                  "provides 200 Mbps. Skellow Island Surgery, which cannot be reached by fibre, has a "
                  "60 Mbps connection with satellite back-up, and is the only exception to the standard.")),
    ("n", ("6.2", "The local area network inside the building, including switches, cabling and staff "
                  "Wi-Fi, is core. Cabling for new rooms in an existing building is core where it is "
                  "requested with at least 10 working days' notice; cabling for an extension or a new "
                  "building is paid for as part of the building project.")),
    ("n", ("6.3", "Patient Wi-Fi is split between the ICB and the practice. The ICB funds, installs and "
                  "maintains the wireless access points; the practice pays for the separate broadband "
                  "line the patient service runs on, and chooses its supplier.")),
    ("n", ("6.4", "Remote working from home uses the ICB's secure remote access service, which is core for "
                  "ICB-funded laptops. Personal devices may not be used to reach clinical systems.")),
    ("n", ("6.5", "Mobile data devices, such as routers or SIM cards for home visits, are non-core.")),
    ("n", ("6.6", "A practice that has lost its connection should call the service desk, which will raise "
                  "a fault with the network supplier. The practice should not call the supplier "
                  "directly.")),

    ("h1", "Section 7. Service desk and field engineering"),
    ("n", ("7.1", "The Primary Care Digital Service Desk is the single point of contact for all GP digital "
                  "requests and faults. It can be reached on 01632 447 300, Monday to Friday from 08:00 to "
                  "18:30, except bank holidays, or at any time through the DeskLink portal.")),
    ("n", ("7.2", "Requests logged on DeskLink outside opening hours are picked up when the desk next opens. "
                  "There is no out-of-hours telephone service for practices.")),
    ("n", ("7.3", "Every call is given a priority. The priority decides how quickly the desk must respond "
                  "and how quickly the matter must be resolved, as shown in Table 2.")),
    ("priorities", "Table 2. Service desk priorities and targets"),
    ("n", ("7.4", "Times in hours run continuously within desk opening hours; working hours and working "
                  "days exclude weekends and bank holidays. The desk aims to meet the priority 1 and 2 "
                  "targets for 95% of calls in a month, and the priority 3 and 4 targets for 90%.")),
    ("n", ("7.5", "When a fault needs an engineer on site, the desk passes it to STS. For a priority 1 "
                  "fault an STS engineer must be on site within 4 hours of the hand-over. Other on-site "
                  "times are in Schedule 2 of the STS contract.")),
    ("n", ("7.6", "For Skellow Island Surgery on-site times start when the next scheduled ferry arrives, "
                  "and the desk will first try to resolve the fault remotely.")),
    ("n", ("7.7", "A practice may ask for a call to be raised to a higher priority. The desk will agree if "
                  "the effect on patient care justifies it and will record why.")),
    ("n", ("7.8", "Complaints about the service desk or STS go to the Head of Primary Care Digital through "
                  "the DeskLink feedback form, and are acknowledged within 2 working days.")),
    ("key", "Key point: STS engineers will not accept work requested directly by practice staff. If an "
            "engineer is asked on site to do something extra, the practice must log a new call."),

    ("h1", "Section 8. Information governance and cyber security"),
    ("n", ("8.1", "Each practice is a data controller and remains responsible for how it processes personal "
                  "data. The Primary Care Digital Team gives advice and templates but does not take on the "
                  "practice's legal duties.")),
    ("n", ("8.2", "Each practice must complete the Data Security and Protection Toolkit and publish its "
                  "assessment by 30 June each year. The ICB expects every practice to reach the standard "
                  "described as Standards Met.")),
    ("n", ("8.3", "To help, the Primary Care Digital Team runs DSPT clinics in May each year, at which a "
                  "practice can go through its evidence with an adviser. Booking is through DeskLink.")),
    ("n", ("8.4", "A suspected cyber incident must be reported by telephone to the service desk within one "
                  "hour of being discovered. Email and DeskLink are not acceptable for this purpose, "
                  "because an incident may affect those channels.")),
    ("n", ("8.5", "The Primary Care Digital Team reports cyber incidents to NHS England's national cyber "
                  "operations centre and coordinates the local response. Where a personal data breach "
                  "meets the reporting threshold, the practice reports it itself through the DSPT "
                  "incident reporting tool within 72 hours of becoming aware of it.")),
    ("n", ("8.6", "Anti-malware software, security patching of ICB-funded devices, email filtering and "
                  "the firewall at each site are core services managed by the Primary Care Digital Team.")),
    ("n", ("8.7", "Practices must make sure all staff complete data security awareness training each year "
                  "and must remove a leaver's access on the day they leave.")),
    ("n", ("8.8", "The ICB's data protection officer service is offered to practices as a local "
                  "enhancement; practices that prefer to appoint their own officer may do so at their own "
                  "cost.")),

    ("h1", "Section 9. Smartcards and the Registration Authority"),
    ("n", ("9.1", "The Registration Authority for practices is run by the Primary Care Digital Team. Each "
                  "practice names at least one RA Agent who can unlock cards and renew certificates "
                  "locally.")),
    ("n", ("9.2", "A new member of staff who needs a smartcard should be booked into an RA appointment "
                  "through DeskLink. Appointments are offered within 5 working days of the request.")),
    ("n", ("9.3", "Practices must tell the RA team when a card holder leaves, so that their access can be "
                  "closed. Cards that are no longer needed go back to the RA team, not into the disposal "
                  "route used for equipment.")),
    ("n", ("9.4", "Smartcard readers are core and come with each device; extra readers for shared rooms can "
                  "be requested through the desk.")),

    ("h1", "Section 10. Telephony, websites and online services"),
    ("n", ("10.1", "Telephony is non-core. The practice chooses its telephone system, signs the contract and "
                   "pays all charges. The Primary Care Digital Team will advise on procurement and on "
                   "national requirements for call handling, but it does not hold or manage telephony "
                   "contracts for practices.")),
    ("n", ("10.2", "Practice websites are non-core. Practices are responsible for keeping their website "
                   "content accurate and accessible.")),
    ("n", ("10.3", "Online consultation and video consultation tools that NHS England funds nationally are "
                   "made available through the ICB. Other tools of this kind are non-core.")),
    ("n", ("10.4", "Patient self check-in kiosks are non-core in all cases.")),

    ("h1", "Section 11. Business continuity, assurance and review"),
    ("n", ("11.1", "Each practice must hold a business continuity plan that covers the loss of its clinical "
                   "system, its telephones and its building, and must test it at least once a year. The "
                   "Primary Care Digital Team provides a template.")),
    ("n", ("11.2", "The GP Digital Assurance Group receives a quarterly report on service desk performance, "
                   "STS performance, DSPT progress and the refresh schedule.")),
    ("n", ("11.3", "The ICB will review this model by October 2027, so that a successor can be consulted on "
                   "before the current edition ends on 31 March 2028. Changes needed before then are "
                   "published as dated notices on the ICB website and take effect from the date stated in "
                   "the notice.")),
    ("n", ("11.4", "Where a notice changes a figure in this model, the notice applies from its stated date "
                   "and the model is read as amended.")),

    ("h1", "Section 12. Staff accounts, joiners and leavers"),
    ("n", ("12.1", "A practice asks for a new user account through DeskLink at least 3 working days before "
                   "the person starts. The request must come from the practice manager or a deputy named "
                   "on the practice's authorised requester list; requests from anyone else are returned.")),
    ("n", ("12.2", "Each account is for one named person. Shared log-ins are not issued, except for the "
                   "reception display screens, which use a locked-down kiosk account that cannot open "
                   "patient records.")),
    ("n", ("12.3", "When someone leaves, the practice closes their clinical system access itself on their "
                   "last day and logs a DeskLink request the same day for the desk to close their network "
                   "and email accounts. Mailbox contents are kept for 30 days and then deleted unless the "
                   "practice asks for them to be passed to another user.")),
    ("n", ("12.4", "Locum clinicians who work at a practice for fewer than 10 sessions are given a "
                   "time-limited account that expires automatically after 28 days. A practice that books "
                   "the same locum again asks for the account to be renewed.")),
    ("n", ("12.5", "A person who works at more than one practice in a PCN has a single network account, "
                   "which the desk links to each practice on request. Clinical system access at each "
                   "practice is still granted by that practice.")),

    ("h1", "Section 13. Software, data quality and reporting"),
    ("n", ("13.1", "The Primary Care Digital Team keeps an approved software list on DeskLink. Software on "
                   "the list may be requested through the desk and is installed remotely. Software not on "
                   "the list is assessed before any decision, and the assessment is completed within 15 "
                   "working days of a complete request.")),
    ("n", ("13.2", "An assessment may conclude that software is safe but not supportable. In that case the "
                   "practice may still use it on devices it has bought itself outside the standard build, "
                   "but those devices may not join the practice network.")),
    ("n", ("13.3", "The Primary Care Digital Team offers a data quality service to help practices keep "
                   "coding consistent, tidy up registration records and prepare for national data "
                   "extractions. The service is core for advice and local searches; on-site clinical coding "
                   "work is a local enhancement.")),
    ("n", ("13.4", "Practices remain responsible for the accuracy of the data they submit nationally, "
                   "including workforce and appointment data. The ICB uses that data in the October census "
                   "only with the practice's confirmation.")),

    ("h1", "Section 14. PCN and hub working"),
    ("n", ("14.1", "Where a PCN runs an extended access hub, the host practice's standard workstation count "
                   "includes the hub's clinical rooms, provided they are recorded in the October census as "
                   "rooms of the host practice.")),
    ("n", ("14.2", "A PCN that wants shared equipment beyond what the host practice's count provides may "
                   "buy it from the catalogue on the same terms as a practice buying above its count. The "
                   "PCN then owns that equipment and the ICB supports it.")),
    ("n", ("14.3", "The PCN digital lead coordinates requests that affect more than one practice, so that "
                   "the desk receives one request for a PCN-wide change rather than one from each "
                   "practice.")),
    ("key", "Key point: a hub room only counts towards a workstation entitlement if the host practice has "
            "recorded it in the October census."),

    ("h1", "Section 15. When things go wrong: escalation"),
    ("n", ("15.1", "A practice that is unhappy with the handling of a call should first ask the desk to "
                   "escalate it to the duty team leader, who will respond the same working day.")),
    ("n", ("15.2", "If the matter is still unresolved after 5 working days, the practice may escalate to the "
                   "Head of Primary Care Digital, and after a further 10 working days to the Associate "
                   "Director of Primary Care Digital.")),
    ("n", ("15.3", "A dispute about whether a service is core or non-core is decided by the GP Digital "
                   "Assurance Group at its next meeting. Until it decides, the practice pays for the "
                   "service if it wants it in place, and the ICB refunds the practice if the Group rules "
                   "that the service is core.")),
    ("n", ("15.4", "Nothing in this section affects a practice's right to raise a formal complaint with the "
                   "ICB, or to ask the Local Medical Committee to raise a matter on its behalf.")),
    ("break", ""),

    ("h1", "Appendix A. Core services"),
    ("p", "The ICB funds each of the following in full for every practice, within the limits set in the "
          "section shown:"),
    ("ul", ["desktops and laptops up to the standard workstation count, with monitor, keyboard, mouse and "
            "smartcard reader (Section 4);",
            "planned refresh and replacement of failed devices (Section 4);",
            "collection and certified destruction of equipment for disposal (Section 4);",
            "the foundation clinical system licence and one funded change of system (Section 5);",
            "clinical system training for new starters, up to two sessions each (Section 5);",
            "HSCN connection, local area network, staff Wi-Fi and patient Wi-Fi access points (Section 6);",
            "secure remote access for ICB-funded laptops (Section 6);",
            "the service desk, DeskLink and STS field engineering (Section 7);",
            "anti-malware, patching, email filtering and firewalls (Section 8);",
            "DSPT clinics and information governance advice (Section 8);",
            "the Registration Authority and smartcards (Section 9);",
            "ARRS laptops from the ICB pool (Section 4)."]),
    ("h1", "Appendix B. Non-core services"),
    ("p", "The practice pays for each of the following, whether or not the ICB helped choose it:"),
    ("ul", ["telephone systems, lines and call charges;",
            "practice websites and their hosting;",
            "printers, scanners, label printers and all consumables;",
            "devices above the standard workstation count;",
            "replacement of lost or stolen devices, save for the exception in paragraph 4.12;",
            "the broadband line for patient Wi-Fi;",
            "mobile data devices and mobile phones;",
            "add-on clinical system modules not funded nationally;",
            "patient self check-in kiosks;",
            "extra training sessions beyond the two funded for each new starter;",
            "repair of accidental damage."]),
    ("h1", "Appendix C. Glossary"),
    ("glossary", ""),
    ("h1", "Appendix D. What has changed since the CCG framework"),
    ("p", "Practices that worked under the GP IT Operating Framework 2018-2021 of the former NHS Calderwick "
          "CCG and NHS Fenmouth and Marshland CCG will notice the differences below. The earlier figures are "
          "given for comparison only and no longer apply."),
    ("changes", "Table 3. Main changes from the 2018-2021 framework"),
    ("p", "The framework also referred to national bodies and services by names that have since changed. "
          "The NHS Commissioning Board is now NHS England; GPSoC has been replaced by the Digital Care "
          "Services Catalogue; N3 by HSCN; and the IG Toolkit by the Data Security and Protection Toolkit."),
]

RACI_HEAD = ["Activity", "Practice", "PCN", "ICB", "STS", "NHS England"]
RACI = [
    ["Approving this operating model", "C", "C", "A/R", "I", "I"],
    ["Returning the October digital census", "R", "I", "A", "", ""],
    ["Ordering devices within the count", "R", "", "A", "I", ""],
    ["Installing and imaging devices", "I", "", "A", "R", ""],
    ["Planned device refresh", "C", "", "A", "R", ""],
    ["Requesting ARRS laptops", "I", "R", "A", "I", ""],
    ["Booking a disposal collection", "R", "", "A", "I", ""],
    ["Destroying data-bearing equipment", "I", "", "A", "R", ""],
    ["Buying the foundation clinical system", "C", "", "A/R", "", "C"],
    ["Checking data after a system migration", "A/R", "", "C", "", ""],
    ["Submitting the DSPT", "A/R", "", "C", "", "I"],
    ["Reporting a suspected cyber incident", "R", "I", "A", "C", "I"],
    ["Running the Registration Authority", "C", "", "A/R", "", "C"],
    ["Testing the business continuity plan", "A/R", "C", "I", "", ""],
]

PRIORITY_HEAD = ["Priority", "Typical example", "Respond within", "Resolve within"]
PRIORITIES = [
    ["P1", "Whole practice cannot use its clinical system, or a suspected cyber incident", "30 minutes", "4 hours"],
    ["P2", "Several users or one clinical room unable to work", "1 hour", "8 working hours"],
    ["P3", "One user affected, with a workaround available", "4 working hours", "3 working days"],
    ["P4", "Service request, such as a new user account or a software request", "1 working day",
     "10 working days"],
]

CHANGES_HEAD = ["Subject", "2018-2021 framework", "This model"]
CHANGES = [
    ["Who delivers", "Fenmouth Health Informatics Partnership, hosted by an acute trust",
     "ICB Primary Care Digital Team, with STS for field engineering"],
    ["Computers", "One PC per 1,000 registered patients, at least six", "One per clinical room plus one per "
     "1.5 WTE administrative staff"],
    ["Refresh", "Every device every five years", "Desktops six years, laptops four years"],
    ["Extra devices", "Half the cost of up to two a year", "Practice pays in full"],
    ["Laptops", "Practice-funded, outside the allocation", "Within the count, at the practice's choice"],
    ["Network", "10 Mbps at main surgeries", "200 Mbps standard HSCN connection"],
    ["Fault categories", "Urgent, Standard, Request", "Priorities P1 to P4 (Table 2)"],
    ["Data security", "Level 2 by 31 March", "DSPT published by 30 June"],
    ["Practice allowance", "None", "Local Digital Fund, per registered patient"],
]

GLOSSARY = [
    ["ARRS", "Additional Roles Reimbursement Scheme: staff employed by a PCN under the national scheme."],
    ["DeskLink", "The online portal of the Primary Care Digital Service Desk."],
    ["DSPT", "Data Security and Protection Toolkit, the annual self-assessment for data security."],
    ["GDAG", "GP Digital Assurance Group, the ICB group that owns this model."],
    ["HSCN", "Health and Social Care Network, the data network that links NHS sites."],
    ["LDF", "Local Digital Fund, the annual per-patient allocation to each practice."],
    ["PCDT", "Primary Care Digital Team, the ICB's in-house GP digital service."],
    ["PCN", "Primary Care Network."],
    ["RA", "Registration Authority, which issues and manages smartcards."],
    ["STS", "Sallowfield Technical Services Ltd, the field engineering contractor."],
    ["WTE", "Whole-time equivalent: hours worked divided by the full-time hours for the role."],
]


def make_styles() -> dict[str, ParagraphStyle]:
    body = ParagraphStyle("body", fontName="Helvetica", fontSize=10.3, leading=14, spaceAfter=6)
    return {
        "p": body,
        "n": ParagraphStyle("n", parent=body, leftIndent=13 * mm, firstLineIndent=-13 * mm),
        "li": ParagraphStyle("li", parent=body, leftIndent=19 * mm, bulletIndent=14 * mm, spaceAfter=2),
        "h1": ParagraphStyle("h1", parent=body, fontName="Helvetica-Bold", fontSize=12.5, leading=16,
                             spaceBefore=12, spaceAfter=7, textColor=TEAL),
        "key": ParagraphStyle("key", parent=body, fontName="Helvetica-Oblique", spaceAfter=0),
        "cell": ParagraphStyle("cell", parent=body, fontSize=8.4, leading=10.4, spaceAfter=0),
        "letter": ParagraphStyle("letter", parent=body, fontName="Helvetica-Bold", fontSize=8.4, leading=10.4,
                                 spaceAfter=0, alignment=1),
        "th": ParagraphStyle("th", parent=body, fontName="Helvetica-Bold", fontSize=8.4, leading=10.4,
                             spaceAfter=0, textColor=colors.white),
        "caption": ParagraphStyle("caption", parent=body, fontName="Helvetica-Bold", fontSize=9, spaceAfter=3),
        "cover_org": ParagraphStyle("cover_org", parent=body, fontSize=11, textColor=TEAL, spaceAfter=40),
        "cover_title": ParagraphStyle("cover_title", parent=body, fontName="Helvetica-Bold", fontSize=22,
                                      leading=28, spaceAfter=16),
        "cover_sub": ParagraphStyle("cover_sub", parent=body, fontName="Times-Italic", fontSize=13, leading=17,
                                    spaceAfter=44),
        "cover_line": ParagraphStyle("cover_line", parent=body, fontSize=9.5, spaceAfter=4),
    }


def table(head: list[str], rows: list[list[str]], widths: list[float], st: dict, letters_from: int) -> Table:
    def cell(text: str, column: int) -> Paragraph:
        return Paragraph(text, st["letter"] if column >= letters_from else st["cell"])

    data = [[Paragraph(h, st["th"]) for h in head]] if head else []
    data += [[cell(text, i) for i, text in enumerate(row)] for row in rows]
    grid = Table(data, colWidths=[w * mm for w in widths], repeatRows=1 if head else 0)
    style = [
        ("LINEBELOW", (0, 0), (-1, -1), 0.3, colors.HexColor("#9AA5AB")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
    if head:
        style.append(("BACKGROUND", (0, 0), (-1, 0), SLATE))
    grid.setStyle(TableStyle(style))
    return grid


def key_point(text: str, st: dict) -> Table:
    box = Table([[Paragraph(text, st["key"])]], colWidths=[170 * mm])
    box.setStyle(TableStyle([
        ("BACKGROUND", (0, 0), (-1, -1), SAND),
        ("BOX", (0, 0), (-1, -1), 1, TEAL),
        ("LEFTPADDING", (0, 0), (-1, -1), 8),
        ("RIGHTPADDING", (0, 0), (-1, -1), 8),
        ("TOPPADDING", (0, 0), (-1, -1), 6),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
    ]))
    return box


def flowables() -> list:
    st = make_styles()
    out: list = [Spacer(1, 45 * mm)] + [Paragraph(text, st[kind]) for kind, text in COVER] + [PageBreak()]
    for kind, body in CONTENT:
        if kind == "n":
            number, text = body
            out.append(Paragraph(f"<b>{number}</b>\u00a0\u00a0{text}", st["n"]))
        elif kind == "ul":
            out += [Paragraph(item, st["li"], bulletText="\u2013") for item in body] + [Spacer(1, 5)]
        elif kind == "key":
            out += [Spacer(1, 3), key_point(body, st), Spacer(1, 8)]
        elif kind == "raci":
            out.append(KeepTogether([Paragraph(body, st["caption"]),
                                     table(RACI_HEAD, RACI, [62, 20, 18, 18, 18, 26], st, letters_from=1),
                                     Spacer(1, 8)]))
        elif kind == "priorities":
            out.append(KeepTogether([Paragraph(body, st["caption"]),
                                     table(PRIORITY_HEAD, PRIORITIES, [18, 84, 34, 34], st, letters_from=99),
                                     Spacer(1, 8)]))
        elif kind == "changes":
            out.append(KeepTogether([Paragraph(body, st["caption"]),
                                     table(CHANGES_HEAD, CHANGES, [34, 68, 68], st, letters_from=99),
                                     Spacer(1, 8)]))
        elif kind == "glossary":
            out.append(table([], GLOSSARY, [26, 144], st, letters_from=99))
        elif kind == "break":
            out.append(PageBreak())
        else:
            out.append(Paragraph(body, st[kind]))
    return out


class RunningCanvas(Canvas):
    """Keeps pages back until the end so the footer can give the page total."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._pages: list[dict] = []

    def showPage(self):
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self):
        total = len(self._pages)
        for number, page in enumerate(self._pages, start=1):
            self.__dict__.update(page)
            if number > 1:
                self._furnish(number, total)
            super().showPage()
        super().save()

    def _furnish(self, number: int, total: int) -> None:
        width, height = A4
        self.saveState()
        self.setFillColor(TEAL)
        self.rect(0, height - 9 * mm, width, 9 * mm, stroke=0, fill=1)
        self.setFillColor(colors.white)
        self.setFont("Helvetica-Bold", 7.5)
        self.drawString(20 * mm, height - 6 * mm, "NHS Calderwick and Fenmouth ICB")
        self.setFont("Helvetica", 7.5)
        self.drawRightString(width - 20 * mm, height - 6 * mm, "GP Digital Operating Model 2025-2028 | v1.1")
        self.setFillColor(SLATE)
        self.drawCentredString(width / 2, 9 * mm, f"{number} / {total}")
        self.drawString(20 * mm, 9 * mm, "Check DeskLink for the latest version")
        self.restoreState()


def build(path: Path = PDF) -> None:
    doc = SimpleDocTemplate(str(path), pagesize=A4, leftMargin=20 * mm, rightMargin=20 * mm, topMargin=18 * mm,
                            bottomMargin=18 * mm, title=DOC_TITLE, author=PUBLISHER,
                            subject="GP digital operating model, version 1.1",
                            creator="CFICB Primary Care Digital Team", invariant=1)
    doc.build(flowables(), canvasmaker=RunningCanvas)


if __name__ == "__main__":
    build()
    print(f"wrote {PDF}")
