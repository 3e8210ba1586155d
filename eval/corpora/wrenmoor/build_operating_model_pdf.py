"""Build wa_icb_primary_care_digital_operating_model_2025-2028.pdf, a fictional eval document.

The text lives here. Running the script rewrites the PDF byte for byte (invariant=1), so the
PDF can be regenerated after an edit and reviewed as a diff of this file:

    /work/main/.venv/bin/python eval/corpora/wrenmoor/build_operating_model_pdf.py
"""

from __future__ import annotations

from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

OUT = Path(__file__).with_name("docs") / "wa_icb_primary_care_digital_operating_model_2025-2028.pdf"
TITLE = "Wrenmoor and Ashby Primary Care Digital Services Operating Model 2025-2028"

# The document: ("h1" | "h2" | "p", text) or ("ul", [items]) or ("table", caption) or ("break", None).
BODY = [
    ("h1", "1. Introduction"),
    ("h2", "1.1 Purpose"),
    ("p", "This document sets out how GP IT and wider digital services for general practice are planned, "
          "paid for, delivered and assured across NHS Wrenmoor and Ashby Integrated Care Board (the ICB). "
          "It tells practices what they can expect to receive from the ICB, what they are expected to provide "
          "for themselves, and who to contact when something goes wrong."),
    ("p", "It is written for practice managers, GP partners, Primary Care Network (PCN) clinical directors "
          "and digital leads, the Local Medical Committee (LMC), and the staff of Fellgate Digital Services "
          "who deliver the service on the ICB's behalf."),
    ("h2", "1.2 Background"),
    ("p", "The ICB was established on 1 July 2022, taking on the functions of NHS Wrenmoor Clinical "
          "Commissioning Group (CCG) and NHS Ashby Vale CCG, which were both abolished on 30 June 2022. "
          "Before then each CCG had its own arrangements for GP IT. Practices in the former Wrenmoor area "
          "worked to the NHS Wrenmoor CCG GP IT Operating Model 2019-2021, while practices in Ashby Vale "
          "relied on a service specification that was never published as an operating model."),
    ("p", "During 2022 and 2023 the ICB extended the previous arrangements while it procured a single "
          "delivery partner for the whole area. Fellgate Digital Services, hosted by Kestrel Commissioning "
          "Support Unit, was appointed to deliver GP IT services from 1 April 2024 under a contract running "
          "until 31 March 2029."),
    ("p", "This operating model brings the two areas onto one set of arrangements. It replaces the NHS "
          "Wrenmoor CCG GP IT Operating Model 2019-2021 in full. Where the earlier document and this one "
          "differ, this one applies."),
    ("h2", "1.3 Status and period"),
    ("p", "This operating model covers the period 1 April 2025 to 31 March 2028. It is a commissioning "
          "framework: it describes how the ICB commissions digital services for practices and the standards "
          "those services must meet. It is not itself a contract. The obligations between the ICB and each "
          "practice are set out in the ICB-Practice Agreement, which each practice signs and which refers to "
          "this document."),
    ("p", "The national Primary Care (GP) Digital Services Operating Model published by NHS England sets the "
          "minimum that every ICB must provide. This local document follows it and adds the arrangements "
          "particular to Wrenmoor and Ashby. Where a national requirement changes during the period, the "
          "national requirement takes precedence until this document is updated."),
    ("h2", "1.4 How to use this document"),
    ("p", "Section 2 defines the terms used throughout. Sections 3 and 4 explain what is covered and who does "
          "what, with a summary table at section 4.6. Sections 5 to 10 cover funding, service levels, cyber "
          "security, clinical systems, telephony and hardware. Section 11 describes governance. The appendices "
          "list the services in each category. A practice that wants to know quickly whether something is "
          "paid for by the ICB should start with Appendix A and Appendix B."),

    ("h1", "2. Definitions"),
    ("p", "In this document the following terms have the meanings given below."),
    ("ul", [
        "<b>Core services:</b> digital services the ICB must make available to every practice and pays for "
        "in full from its GP IT budget. They are listed in Appendix A.",
        "<b>Non-core services:</b> services a practice may choose to buy for itself. The practice chooses the "
        "supplier and meets the costs, although the ICB may offer a framework or advice. They are listed in "
        "Appendix B.",
        "<b>Enabling services:</b> services that are not delivered to a single practice but make the core "
        "services possible, such as contract management, information governance advice and programme "
        "management. They are listed in Appendix C.",
        "<b>Delivery partner:</b> the organisation the ICB contracts to deliver GP IT services to practices. "
        "For the period of this document the delivery partner is Fellgate Digital Services (FDS).",
        "<b>Entitlement:</b> the number of devices paid for by the ICB that a practice may hold at any one "
        "time, worked out by the formula in section 10.1.",
        "<b>Practice-funded:</b> paid for by the practice from its own income, including its core contract "
        "funding, rather than from the ICB's GP IT budget.",
        "<b>Priority 1 incident:</b> a fault that stops a whole practice, or a whole site, from delivering "
        "clinical care, such as loss of access to the clinical system or to the network.",
        "<b>HSCN:</b> the Health and Social Care Network, the data network that connects NHS organisations "
        "and that replaced N3.",
        "<b>DSPT:</b> the Data Security and Protection Toolkit, the online self-assessment that every "
        "organisation with access to NHS patient data must complete each year.",
        "<b>Registration Authority (RA):</b> the service that checks the identity of staff and issues, renews "
        "and cancels NHS smartcards.",
    ]),

    ("h1", "3. Scope"),
    ("h2", "3.1 Organisations covered"),
    ("p", "This operating model applies to all 86 GP practices holding a GMS, PMS or APMS contract with the "
          "ICB, across its 14 Primary Care Networks, serving a registered population of about 1.1 million "
          "people. It covers main surgeries and branch surgeries alike."),
    ("p", "It also applies to staff employed by a PCN, or by a practice on a PCN's behalf, who work in "
          "practice premises and use practice clinical systems. Those staff receive the same core services "
          "as practice staff, counted within the entitlement of the practice where they are based."),
    ("h2", "3.2 What is covered"),
    ("p", "The operating model covers the digital services practices need to deliver primary medical "
          "services: clinical and business systems, the devices staff use, the network and its connection "
          "to the wider NHS, support when things go wrong, and the security and governance around them."),
    ("h2", "3.3 What is not covered"),
    ("p", "The following are outside the scope of this document:"),
    ("ul", [
        "IT for community pharmacy, dental and optometry services, which are commissioned separately;",
        "the corporate IT of GP federations and other provider organisations, except where they hold a "
        "practice contract;",
        "services a practice delivers privately or under contracts with bodies other than the NHS, such as "
        "insurance medicals or occupational health;",
        "the urgent care and extended hours hubs commissioned by the ICB, which have their own IT "
        "arrangements;",
        "the personal devices of practice staff, which may only be used as the ICB's acceptable use policy "
        "allows.",
    ]),

    ("h1", "4. Roles and responsibilities"),
    ("h2", "4.1 NHS England"),
    ("p", "NHS England sets national policy and standards for GP IT and funds some national programmes "
          "directly. In particular it:"),
    ("ul", [
        "runs the national systems and services used by practices, such as the NHS Spine, the NHS App and "
        "NHS Mail;",
        "manages the national route through which clinical systems are bought: the GP IT Futures framework "
        "and its successor, the Digital Care Services Catalogue, which replaced GP Systems of Choice (GPSoC);",
        "publishes the national operating model, technical standards and the DSPT;",
        "allocates national funding streams to ICBs, some of them ringfenced for particular programmes.",
    ]),
    ("h2", "4.2 The ICB"),
    ("p", "The ICB is the commissioner of GP IT for its practices. It is accountable for making sure every "
          "practice receives the core services in Appendix A. It:"),
    ("ul", [
        "holds and manages the GP IT revenue and capital budgets;",
        "commissions the delivery partner and manages its contract;",
        "approves the purchase of core hardware and software and owns the resulting assets;",
        "sets local priorities for digital primary care through the Primary Care Digital Steering Group;",
        "checks that practices meet their DSPT and other assurance duties, and offers help where they do not.",
    ]),
    ("p", "The ICB's Head of Primary Care Digital is the named officer responsible for this operating model."),
    ("h2", "4.3 Fellgate Digital Services"),
    ("p", "Fellgate Digital Services (FDS) is the ICB's GP IT delivery partner. It is hosted by Kestrel "
          "Commissioning Support Unit, which employs its staff and holds the contract with the ICB. FDS:"),
    ("ul", [
        "runs the service desk and the FDS Connect portal;",
        "installs, maintains, repairs and replaces the hardware the ICB pays for;",
        "manages the practice networks and their HSCN connections;",
        "provides cyber security monitoring, patching and DSPT support;",
        "delivers clinical system training for new staff and data quality support;",
        "acts as the Registration Authority for practice and PCN staff, through the Kestrel CSU Registration "
        "Authority team;",
        "reports on its performance to the ICB each month.",
    ]),
    ("p", "FDS does not decide what the ICB will fund. Requests for services outside Appendix A are passed to "
          "the ICB."),
    ("h2", "4.4 GP practices"),
    ("p", "Each practice remains the data controller for its patient records and is responsible for how its "
          "own staff use the systems provided. Each practice must:"),
    ("ul", [
        "name a Practice IT Lead and a Data Security and Protection lead, who may be the same person;",
        "complete and publish its DSPT assessment by the national deadline each year;",
        "look after the equipment the ICB provides, keep it secure, and report loss, theft or damage to FDS "
        "promptly;",
        "report faults through the FDS service desk rather than directly to individual engineers;",
        "buy and manage its own non-core services, including telephony;",
        "make sure its staff complete data security awareness training every year;",
        "give FDS reasonable access to its premises and systems to carry out support.",
    ]),
    ("h2", "4.5 Primary Care Networks"),
    ("p", "PCNs do not hold a separate GP IT budget. Digital services for PCN staff are provided through the "
          "member practices. Where a PCN wants a service for all of its practices that is not core, such as a "
          "shared workforce rota tool, one member practice, normally the PCN's lead practice, buys it on the "
          "network's behalf and the members share the cost as they agree. PCN clinical directors are invited "
          "to the Primary Care Digital Steering Group and can raise network issues there."),
    ("h2", "4.6 Summary of responsibilities"),
    ("p", "Table 1 summarises who holds each type of duty. It is a summary only: the sections above and the "
          "ICB-Practice Agreement take precedence."),
    ("table", "Table 1: Responsibilities by organisation"),

    ("h1", "5. Funding"),
    ("h2", "5.1 Principles"),
    ("p", "The ICB funds core services in full. No practice should be charged, directly or through a "
          "deduction, for anything listed in Appendix A. Non-core services are paid for by the practice that "
          "chooses to use them. Enabling services are funded by the ICB and are not charged to practices."),
    ("p", "The ICB's GP IT budget is made up of a revenue allocation, which pays for support, licences and "
          "services, and a capital allocation, which pays for hardware and infrastructure with a useful life "
          "of more than one year. The amounts for each financial year are published in the ICB's annual GP IT "
          "funding guidance, not in this document."),
    ("h2", "5.2 How funding decisions are made"),
    ("p", "Each January the ICB agrees a draft GP IT investment plan with the Primary Care Digital Steering Group. The "
          "plan sets out the hardware refresh programme, planned network upgrades and any new services for "
          "the coming year. The final plan is approved by the Primary Care Commissioning Committee before 31 "
          "March."),
    ("p", "Capital that is not spent by the end of the financial year cannot be carried forward. The ICB "
          "therefore asks practices to confirm their refresh requirements by 30 September so that orders can "
          "be placed in good time."),
    ("h2", "5.3 Items practices pay for"),
    ("p", "Practices pay for the items in Appendix B. Where a practice asks FDS to buy or install a non-core "
          "item, FDS will quote a price first and will invoice the practice directly. FDS will give reasonable "
          "advice on any item, but it will only support equipment or software that it has assessed and "
          "approved."),
    ("h2", "5.4 Telephony"),
    ("p", "Telephony is paid for by practices. The ICB does not pay for practice telephone contracts, "
          "handsets or call charges. It has, however, set up a telephony framework that practices may use, "
          "and it plans a one-off transition grant towards the cost of moving to cloud telephony. Section 9 "
          "gives the details."),
    ("h2", "5.5 National funding"),
    ("p", "Some services are paid for by NHS England rather than the ICB, for example national NHS Mail "
          "licences and, in some years, national programmes such as online consultation tools. Where national "
          "funding ends, the ICB will decide through the Primary Care Digital Steering Group whether to continue the "
          "service as core, and will give practices at least six months' notice if a service is to become "
          "practice-funded."),

    ("h1", "6. Service levels"),
    ("h2", "6.1 The service desk"),
    ("p", "All requests for help, faults and orders go through the FDS service desk. Practices can call "
          "0300 555 0142 or log a ticket on the FDS Connect portal. The service desk is staffed from 08:00 to "
          "18:30, Monday to Friday, excluding bank holidays."),
    ("p", "Outside those hours there is no GP IT support. Practices open at other times, for example for "
          "Saturday clinics, should report faults through FDS Connect, which logs them for the next working "
          "day. A practice that loses its clinical system completely outside service desk hours should call "
          "its clinical system supplier's own emergency line, which is published on FDS Connect."),
    ("h2", "6.2 Priorities and targets"),
    ("p", "Every ticket is given a priority when it is logged. The targets below apply during service desk "
          "hours."),
    ("ul", [
        "Priority 1, a whole practice or site cannot deliver clinical care: answered within 30 minutes, and "
        "fixed or worked around within 4 hours.",
        "Priority 2, a service is degraded or several users are affected: answered within 4 hours, and fixed "
        "within 1 working day.",
        "Priority 3, a single user or device is affected: answered within 1 working day, and fixed within 3 "
        "working days.",
        "Priority 4, requests, changes and questions: answered within 2 working days, and completed within 10 "
        "working days or as agreed with the practice.",
    ]),
    ("p", "FDS aims to meet each target for at least 95% of tickets in a month. Performance against the "
          "targets is reported to the ICB monthly and shared with practices each quarter."),
    ("h2", "6.3 Site visits"),
    ("p", "Most faults are fixed remotely. Where an engineer needs to attend, FDS will agree a visit time with "
          "the practice. For a Priority 1 incident that cannot be fixed remotely, an engineer will attend the "
          "same working day if the incident is logged before 14:00, and otherwise by 10:00 on the next working "
          "day."),
    ("h2", "6.4 Replacing faulty equipment"),
    ("p", "FDS keeps a stock of spare desktops and laptops. A core device that fails and cannot be repaired "
          "within the target for its priority is swapped for a spare, which the practice keeps until the "
          "original device's refresh date."),
    ("h2", "6.5 Planned maintenance"),
    ("p", "FDS carries out planned work on practice networks and systems outside practice core hours "
          "wherever it can. It gives practices at least five working days' notice of planned work that will "
          "interrupt a service, except for urgent security fixes, which may be applied at shorter notice."),
    ("h2", "6.6 Service reviews"),
    ("p", "Each practice can ask for a service review meeting with its FDS account manager once a year. A "
          "PCN may ask for a joint review on behalf of its member practices."),

    ("h1", "7. Cyber security"),
    ("h2", "7.1 A shared responsibility"),
    ("p", "Keeping practice systems secure is a shared duty. The ICB funds cyber security services as a core "
          "service and FDS delivers them, but each practice, as data controller, remains responsible for its "
          "own compliance and for what its staff do."),
    ("h2", "7.2 What FDS provides"),
    ("ul", [
        "antivirus and endpoint protection on all core devices, monitored centrally;",
        "monthly security patching of operating systems and standard software;",
        "action on national cyber alerts issued by NHS England, within the timescales set in each alert;",
        "multi-factor authentication for remote access and for administrator accounts;",
        "encrypted laptops, which can be wiped remotely if a device is lost or stolen;",
        "help with completing the DSPT, including a template evidence pack and drop-in sessions before the "
        "deadline.",
    ]),
    ("h2", "7.3 What practices must do"),
    ("ul", [
        "complete the DSPT each year by the national deadline, normally 30 June, and aim to meet all of its "
        "mandatory standards;",
        "make sure every member of staff completes data security awareness training each year;",
        "remove system access promptly when staff leave, by telling FDS and the Registration Authority on or "
        "before the leaving date;",
        "connect only devices approved by FDS to the practice network;",
        "keep a business continuity plan that covers the loss of IT, and test it at least once a year.",
    ]),
    ("h2", "7.4 Reporting a cyber incident"),
    ("p", "A practice that suspects a cyber attack, such as ransomware, a suspicious email that staff have "
          "acted on, or unexplained changes to system settings, must call the FDS service desk at once. "
          "Suspected cyber incidents are always handled as Priority 1. The practice should disconnect "
          "affected devices from the network but should not switch them off unless FDS asks it to."),
    ("p", "Where an incident involves personal data, the practice must also decide whether it has to be "
          "reported through the DSPT incident reporting tool, which must be done within 72 hours of the "
          "practice becoming aware of it. FDS and the ICB's data protection officer service can advise."),

    ("h1", "8. Clinical systems"),
    ("h2", "8.1 Choice and procurement"),
    ("p", "Each practice uses a principal clinical system to hold its electronic patient records. Clinical "
          "systems are bought through the national route: the GP IT Futures framework and now the Digital "
          "Care Services Catalogue, which replaced GP Systems of Choice (GPSoC). The ICB places the order on "
          "the practice's behalf. The licences for the principal clinical system itself are paid for "
          "nationally; the ICB pays for the other products the national framework classes as essential, and "
          "for the local modules and interfaces it agrees to fund."),
    ("p", "A practice may choose any principal clinical system offered through the national catalogue. The "
          "ICB will not require a practice to change system, but asks practices to discuss a proposed change "
          "with the Primary Care Digital Steering Group at least nine months before the intended go-live date."),
    ("h2", "8.2 Changing clinical system"),
    ("p", "The ICB funds the migration costs of one change of principal clinical system per practice during "
          "the period of this document. FDS plans the migration with the practice and the suppliers, "
          "including data migration, testing and training. A practice that changes system a second time in "
          "the period pays the migration costs itself."),
    ("h2", "8.3 Practice mergers"),
    ("p", "Where two or more practices merge, the ICB funds the merging of their clinical records onto a "
          "single system, provided the merger has been approved by the ICB's Primary Care Commissioning "
          "Committee."),
    ("h2", "8.4 Training"),
    ("p", "FDS provides clinical system training for new staff as a core service: an induction session for "
          "each new clinician and administrator within their first month, booked through FDS Connect. "
          "One-to-one refresher training, and advanced training, for example on searches and reports or "
          "template design, are available as a non-core service at a published day rate."),
    ("h2", "8.5 Data quality"),
    ("p", "The FDS data quality team helps practices keep their records accurate and complete, including "
          "clinical coding, searches for national data collections, and preparing records for practice "
          "mergers or system migrations. The number of data quality visits each practice can have in a year is "
          "set in the ICB's annual GP IT funding guidance."),
    ("h2", "8.6 Other clinical software"),
    ("p", "Other clinical software, such as document management, appointment reminders or decision support "
          "tools, is core only where it appears in Appendix A. Otherwise it is paid for by the practice, which "
          "must ask FDS to check that the product works with the standard build and meets data protection "
          "requirements before buying it."),

    ("h1", "9. Telephony"),
    ("h2", "9.1 Responsibility"),
    ("p", "Telephony is the responsibility of each practice. The practice chooses its telephony supplier, "
          "holds the contract, pays the installation and running costs, and deals with the supplier when "
          "there is a fault. This has not changed from earlier local arrangements, and it follows the "
          "national position that GP telephony is a practice responsibility."),
    ("h2", "9.2 The ICB telephony framework"),
    ("p", "To help practices get good value, the ICB has set up the Wrenmoor and Ashby Telephony Framework. "
          "Practices are encouraged, but not required, to buy from the framework. It is a list of approved "
          "cloud telephony suppliers whose systems meet national requirements, such as call queuing, call "
          "back and the call data that national programmes ask for, and buying from it saves a practice the "
          "work of running its own procurement."),
    ("h2", "9.3 Transition grant"),
    ("p", "The ICB is working with NHS England to fund a one-off transition grant for practices that move "
          "from an older telephone system on their premises, or an analogue one, to cloud telephony. The "
          "grant would be a contribution towards the costs of moving, not towards running costs, and each "
          "practice could receive it only once. Contracts signed from 1 April 2025 are expected to count, so "
          "practices need not wait. Once funding is confirmed, the amount and how to claim will be set out in "
          "guidance the ICB publishes separately."),
    ("h2", "9.4 What FDS will and will not do"),
    ("p", "FDS will check that the practice network can carry a cloud telephony system and will advise on "
          "network capacity before a practice signs a contract. FDS does not support handsets, call routing "
          "or telephony contracts: faults with those go to the practice's telephony supplier."),

    ("h1", "10. Hardware"),
    ("h2", "10.1 Entitlement"),
    ("p", "The ICB funds a set number of devices for each practice, called the entitlement. The entitlement "
          "is one device for each clinical room, plus one device for every two administrative staff, counted "
          "from the practice's annual workforce return. A device means a desktop or a laptop with one "
          "monitor, a keyboard, a mouse and a smartcard reader. Second monitors are not part of the "
          "entitlement."),
    ("p", "The entitlement is recalculated each year from the practice's return of rooms and staff. If a "
          "practice's entitlement falls, the devices above the new entitlement are not replaced at refresh, "
          "but they are not taken away before then."),
    ("h2", "10.2 Refresh"),
    ("p", "Devices are replaced on a fixed refresh cycle: desktops every five years and laptops every four "
          "years. FDS tells each practice in the spring which of its devices are due for refresh in that "
          "financial year. A device that fails beyond economic repair before its refresh date is replaced as "
          "a fault, not as part of refresh."),
    ("h2", "10.3 Equipment above the entitlement"),
    ("p", "A practice that needs more devices than its entitlement may buy them itself. FDS can supply them "
          "to the standard specification at the price it pays, and will then support them in the same way as "
          "core devices, provided they are bought through FDS or approved by it in advance. Equipment bought "
          "above the entitlement belongs to the practice and is replaced at the practice's cost."),
    ("h2", "10.4 Printers, scanners and other peripherals"),
    ("p", "Printers, printer consumables and scanners are paid for by practices. FDS will connect an approved "
          "printer to the network and install its drivers, but repairs and servicing are for the practice and "
          "its printer supplier. Smartcard readers, which staff need to use national systems, are core."),
    ("h2", "10.5 Asset records and disposal"),
    ("p", "Every device the ICB pays for is recorded on an asset register held by FDS. Practices must not "
          "move core devices between sites, or lend them to other organisations, without telling FDS. At the "
          "end of a device's life FDS collects it, wipes or destroys its storage, and gives the practice a "
          "certificate of secure disposal."),
    ("h2", "10.6 Mobile working"),
    ("p", "Clinicians who work remotely or visit patients at home can be given a laptop within the practice "
          "entitlement. These laptops connect to practice systems through a secure remote access service "
          "provided by FDS. Mobile phones and tablets are not part of the entitlement."),
    ("h2", "10.7 Moving premises"),
    ("p", "A practice planning to move into new or altered premises should tell FDS at least six months "
          "before the move. Where the ICB has approved the move as part of its estates programme, the network "
          "installation in the new building is funded as core. Cabling for alterations the ICB has not "
          "approved is paid for by the practice."),

    ("h1", "11. Governance"),
    ("h2", "11.1 Primary Care Digital Steering Group"),
    ("p", "The Primary Care Digital Steering Group oversees this operating model on behalf of the ICB. It meets every "
          "two months and is chaired by the ICB's Head of Primary Care Digital. Its members include two practice "
          "managers, two GP clinical leads, a representative of the Local Medical Committee, a PCN clinical "
          "director and the FDS service manager."),
    ("p", "The Group agrees the annual GP IT investment plan, reviews FDS performance, considers requests for "
          "new core services and settles disputes about whether something is core or non-core."),
    ("h2", "11.2 Reporting"),
    ("p", "The Group reports to the ICB's Primary Care Commissioning Committee, which approves the investment "
          "plan and any changes to this operating model."),
    ("h2", "11.3 Changes to this document"),
    ("p", "This operating model is reviewed every year. Minor corrections may be made at any time and are "
          "recorded in the version history. Changes that alter what practices receive or pay for will be "
          "discussed with the Local Medical Committee first, and practices will be told about them at least "
          "three months before they take effect."),
    ("h2", "11.4 Concerns and escalation"),
    ("p", "A practice unhappy with the service it has received should first raise it with FDS, through the "
          "service desk or its account manager. If the matter is not resolved within 10 working days, the "
          "practice may escalate it to the ICB's Head of Primary Care Digital. Disputes about funding are decided "
          "by the Primary Care Digital Steering Group."),
    ("h2", "11.5 Version history"),
    ("ul", [
        "Version 1.0, 1 October 2024: first draft for engagement with practices and the Local Medical "
        "Committee.",
        "Version 1.1, 16 December 2024: revised after engagement; hardware entitlement and training "
        "clarified.",
        "Version 1.2, 14 March 2025: approved by the Primary Care Commissioning Committee on 27 February "
        "2025; telephony section updated for the planned transition grant.",
    ]),

    ("break", None),
    ("h1", "Appendix A: Core services"),
    ("p", "The ICB provides the following services to every practice and pays for them in full."),
    ("ul", [
        "The principal clinical system, ordered through the national catalogue",
        "Clinical system products that the national framework classes as essential, where not paid for "
        "nationally",
        "Migration to a new principal clinical system, once per practice in the period",
        "Desktops and laptops up to the practice entitlement, each with a monitor, keyboard and mouse",
        "Replacement of core devices when they reach their refresh date",
        "Smartcard readers for every core device that needs one",
        "The practice local area network, wireless network and firewall",
        "The practice connection to the Health and Social Care Network (HSCN)",
        "The FDS service desk and the FDS Connect portal",
        "Remote and on-site support for core hardware and software",
        "Antivirus, endpoint protection and monthly security patching",
        "Cyber security advice and help in responding to an incident",
        "DSPT support, including the template evidence pack and drop-in sessions",
        "Registration Authority services: issuing, renewing and cancelling smartcards",
        "Clinical system training for new staff",
        "Data quality support, including data quality visits",
        "Secure remote access for laptops within the entitlement",
        "Standard office software, and email through NHS Mail",
        "Merging clinical records when the ICB has approved a practice merger",
        "Network installation for premises moves approved by the ICB",
        "Advice on network capacity before a move to cloud telephony",
        "Collection and secure disposal of core equipment",
    ]),
    ("h1", "Appendix B: Non-core services"),
    ("p", "Practices that want the following services choose the supplier and pay for them. FDS can advise "
          "on most of them, and can supply some of them at cost."),
    ("ul", [
        "Telephone systems, handsets, telephony contracts and call charges",
        "Practice websites and their hosting",
        "Printers, scanners and printer consumables such as toner and paper",
        "Desktops, laptops and monitors above the entitlement",
        "Non-clinical software, such as payroll, rota or accounting packages",
        "Patient self check-in kiosks and waiting room display screens",
        "Mobile phones and tablets",
        "Second monitors",
        "One-to-one refresher training and advanced clinical system training",
        "Clinical software not listed in Appendix A",
        "Audio and video equipment for meeting rooms",
        "Door entry, CCTV and building alarm systems",
        "A second change of principal clinical system in the period",
        "Cabling for building alterations the ICB has not approved",
        "Any IT used only for private or non-NHS work",
    ]),
    ("h1", "Appendix C: Enabling services"),
    ("p", "Enabling services support the whole programme rather than a single practice. Practices do not ask "
          "for them directly; the ICB funds them and FDS or the ICB delivers them."),
    ("ul", [
        "Management of the FDS contract and its performance reporting",
        "Programme management of the annual refresh and of network upgrades",
        "Information governance and data protection advice to the ICB and to practices",
        "Design and testing of the standard device build",
        "Keeping the asset register of equipment the ICB has paid for",
        "Liaison with NHS England and national suppliers on behalf of practices",
        "Management of suppliers on the national clinical system catalogue",
        "Digital strategy and planning for primary care",
        "Clinical safety assessment of new core systems",
        "Business continuity and disaster recovery planning for core infrastructure",
        "Engagement with the Local Medical Committee and PCN clinical directors",
        "Horizon scanning for national programmes and funding opportunities",
    ]),
]

# Table 1: organisation rows by duty columns. Cells are kept short; the longer ones wrap.
TABLE_HEADER = ["Organisation", "Funding", "Procurement", "Support", "Assurance"]
TABLE_ROWS = [
    ["NHS England", "National systems and national funding streams", "Runs the national clinical system "
     "catalogue", "National services such as Spine and NHS Mail", "Sets national standards and the DSPT"],
    ["The ICB", "Core services and the hardware refresh", "Commissions FDS and approves core purchases",
     "Manages the FDS contract", "Checks practice DSPT status"],
    ["Fellgate Digital Services", "No budget of its own", "Buys core items for the ICB",
     "Service desk, repairs and site visits", "Monthly performance reports"],
    ["GP practice", "Non-core services and telephony", "Buys its own non-core items",
     "Reports faults and looks after equipment", "Completes the DSPT each year"],
    ["PCN", "Shares the cost of network-wide items", "Through a lead practice", "Through member practices",
     "Agrees data sharing between members"],
]

TITLE_PAGE = [
    ("label", "NHS Wrenmoor and Ashby Integrated Care Board"),
    ("title", TITLE),
    ("subtitle", "How GP IT and digital services for general practice are funded, delivered and assured"),
    ("line", "Version 1.2"),
    ("line", "Published: 14 March 2025"),
    ("line", "Period covered: 1 April 2025 to 31 March 2028"),
    ("line", "Approved by: Primary Care Commissioning Committee, 27 February 2025"),
    ("line", "Owner: Primary Care Digital Team, NHS Wrenmoor and Ashby ICB, Castle Mills, Wrenmoor"),
    ("line", "Next review: March 2026"),
    ("line", "Classification: OFFICIAL"),
]


def styles() -> dict[str, ParagraphStyle]:
    base = getSampleStyleSheet()
    body = ParagraphStyle("body", parent=base["BodyText"], fontName="Helvetica", fontSize=10, leading=13,
                          spaceAfter=7)
    return {
        "p": body,
        "li": ParagraphStyle("li", parent=body, leftIndent=14, bulletIndent=3, spaceAfter=3),
        "h1": ParagraphStyle("h1", parent=body, fontName="Helvetica-Bold", fontSize=14, leading=18,
                             spaceBefore=12, spaceAfter=8, textColor=colors.HexColor("#003087")),
        "h2": ParagraphStyle("h2", parent=body, fontName="Helvetica-Bold", fontSize=11, leading=14,
                             spaceBefore=6, spaceAfter=5),
        "cell": ParagraphStyle("cell", parent=body, fontSize=8.5, leading=10.5, spaceAfter=0),
        "head": ParagraphStyle("head", parent=body, fontName="Helvetica-Bold", fontSize=8.5, leading=10.5,
                               spaceAfter=0, textColor=colors.white),
        "label": ParagraphStyle("label", parent=body, fontSize=12, spaceAfter=30),
        "title": ParagraphStyle("title", parent=body, fontName="Helvetica-Bold", fontSize=22, leading=28,
                                spaceAfter=16, textColor=colors.HexColor("#003087")),
        "subtitle": ParagraphStyle("subtitle", parent=body, fontSize=13, leading=17, spaceAfter=40),
        "line": ParagraphStyle("line", parent=body, fontSize=11, leading=14, spaceAfter=6),
    }


def responsibilities_table(st: dict[str, ParagraphStyle]) -> Table:
    data = [[Paragraph(text, st["head"]) for text in TABLE_HEADER]]
    data += [[Paragraph(text, st["cell"]) for text in row] for row in TABLE_ROWS]
    table = Table(data, colWidths=[30 * mm, 34 * mm, 36 * mm, 36 * mm, 34 * mm], repeatRows=1)
    table.setStyle(TableStyle([
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#003087")),
        ("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#768692")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
    ]))
    return table


def story() -> list:
    st = styles()
    flow: list = [Spacer(1, 40 * mm)]
    flow += [Paragraph(text, st[kind]) for kind, text in TITLE_PAGE]
    flow.append(PageBreak())
    for kind, content in BODY:
        if kind == "ul":
            flow += [Paragraph(item, st["li"], bulletText="\u2022") for item in content]
        elif kind == "table":
            flow += [Paragraph(f"<b>{content}</b>", st["p"]), responsibilities_table(st), Spacer(1, 8)]
        elif kind == "break":
            flow.append(PageBreak())
        else:
            flow.append(Paragraph(content, st[kind]))
    return flow


class NumberedCanvas(canvas.Canvas):
    """Draws the running header and footer once the page count is known ("Page N of M")."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._pages = []

    def showPage(self):
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self):
        for number, state in enumerate(self._pages, start=1):
            self.__dict__.update(state)
            self.furniture(number, len(self._pages))
            super().showPage()
        super().save()

    def furniture(self, number: int, total: int) -> None:
        width, height = A4
        self.setFont("Helvetica", 8)
        self.setFillColor(colors.HexColor("#425563"))
        self.drawString(20 * mm, height - 12 * mm, TITLE)
        self.drawRightString(width - 20 * mm, height - 12 * mm, "OFFICIAL")
        self.line(20 * mm, height - 14 * mm, width - 20 * mm, height - 14 * mm)
        self.drawString(20 * mm, 12 * mm, "OFFICIAL")
        self.drawRightString(width - 20 * mm, 12 * mm, f"Page {number} of {total}")


def build(out: Path = OUT) -> None:
    doc = SimpleDocTemplate(str(out), pagesize=A4, leftMargin=20 * mm, rightMargin=20 * mm,
                            topMargin=24 * mm, bottomMargin=22 * mm, title=TITLE,
                            author="NHS Wrenmoor and Ashby Integrated Care Board", invariant=1)
    doc.build(story(), canvasmaker=NumberedCanvas)


if __name__ == "__main__":
    build()
    print(f"wrote {OUT}")
