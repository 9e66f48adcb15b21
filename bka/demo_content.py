"""Demo analyses for `bka demo`: a full Millennium BKA for Västra Götalandsregionen and smaller ones.

Plain data only, loaded by bka/demo.py. Answers are keyed by step and question key as in
checklists/method.toml; pack prompts are stored as "prompt__<prompt key>" in the prompt's step.
Dates are ISO strings. No text identifies an individual child.
"""

# ---------------------------------------------------------------------------------------------
# 1. Millennium – Västra Götalandsregionen (all 11 steps, completed)
# ---------------------------------------------------------------------------------------------

_MILLENNIUM = {
    "title": "Införande av vårdinformationssystemet Millennium",
    "organisation": "Västra Götalandsregionen, Koncernkontoret",
    "decision_area": "digital",
    "diarienummer": "RS 2023-04711",
    "planned_decision_date": "2024-06-18",
    "owner": "team",
    "members": [("reviewer", "viewer")],
    "final_status": "decided",
    "answers": {
        "screening": {
            "children_affected": "directly",
            "affected_how": (
                "Millennium ersätter bland annat Melior, AsynjaVisph och Obstetrix och blir den nya "
                "källan till det som barn och vårdnadshavare ser i 1177 journal. Alla åldersregler, "
                "blockeringar och förseglingar måste byggas upp på nytt, och all dokumentation om "
                "barn – från förlossningen till barnsjukvård, BUP och ungdomsmottagning – flyttas till "
                "systemet. Driftstarten sänker dessutom vårdens kapacitet under en period, vilket "
                "påverkar barns tillgång till vård."
            ),
            "magnitude": "major",
            "child_numbers": "very_many",
            "vulnerable_affected": "yes",
            "reversibility": "partly",
            "screening_justification": (
                "Fördjupad prövning: barn påverkas direkt, bytet gäller i praktiken alla barn som "
                "vårdas i regionen och kan slå särskilt hårt mot barn med skyddade personuppgifter "
                "och unga i kontrollerande familjer. Uppgifter som röjs vid en felaktig migrering går "
                "inte att ta tillbaka, och därför behövs också ny dialog med barn."
            ),
            "owner_and_team": (
                "Ägare: programchefen för Millenniumprogrammet. Arbetsgrupp: regionens "
                "barnrättsstrateg, regionjurist, chefläkare för barn- och ungdomsmedicin, företrädare "
                "för barnhälsovården och ungdomsmottagningarna, barnskyddsteamet, dataskyddsombudet, "
                "informationsförvaltare för 1177 journal och patientsäkerhetssamordnare."
            ),
            "assessment_deadline": "2024-05-24",
            "prompt__digital_scope_children": (
                "Ja, på alla tre sätten. Systemet blir källa till 1177 journal, så det som barn och "
                "vårdnadshavare kan se ändras; uppgifter om barn lagras i en gemensam databas som "
                "delas med privata vårdgivare och kommunernas hälso- och sjukvård; och personalen i "
                "barnsjukvården får nya arbetsflöden. Prövningen samordnas med konsekvensbedömningen "
                "enligt dataskyddsförordningen och patientsäkerhetsanalysen."
            ),
        },
        "decision": {
            "proposal": (
                "Regionstyrelsen föreslås besluta om driftstart för Millennium i första etappen, "
                "Södra Älvsborgs sjukhus och primärvården i Sjuhärad, den 12 november 2024. "
                "Systemet ska ersätta ett 40-tal äldre system och ge en sammanhållen journal för "
                "regionens vård, privata vårdgivare med vårdavtal och kommunernas hälso- och sjukvård."
            ),
            "objectives": (
                "Informationen ska följa patienten mellan vårdnivåer, dubbeldokumentation och "
                "upprepade prover ska minska och patientsäkerheten öka. För barn är målet en samlad "
                "bild från förlossning och barnhälsovård till barnsjukvård, habilitering och BUP."
            ),
            "zero_option": (
                "Utan beslut skjuts driftstarten upp och de äldre systemen används vidare, med stigande "
                "förvaltningskostnader och fortsatt splittrad information om barn. Riskerna med "
                "migreringen undviks på kort sikt, men nyttan för barn med komplexa vårdbehov uteblir."
            ),
            "decision_body": "Regionstyrelsen, Västra Götalandsregionen",
            "mandate": (
                "Regionfullmäktiges beslut om Framtidens vårdinformationsmiljö (2018); tidplan "
                "fastställd av regionstyrelsen i maj 2022."
            ),
            "options_on_table": (
                "Driftstart enligt plan, driftstart med barnrättsliga villkor och kontrollpunkter, "
                "eller senarelagd driftstart för barn- och ungdomsvården i etappen."
            ),
            "fixed_parts": (
                "Val av system och leverantör är låst genom avtalet från 2018, och åldersgränserna i "
                "1177 bestäms nationellt. Regionen kan fortfarande påverka konfiguration, åtkomstregler "
                "per enhet, migreringskontroller, tidpunkt, etappindelning och informationen till barn "
                "och familjer."
            ),
            "parallel_assessments": (
                "Konsekvensbedömning enligt artikel 35 i dataskyddsförordningen, riskanalys för "
                "patientsäkerheten inför driftstart och informationssäkerhetsklassning. "
                "Barnrättsstrategen deltar i programmets riskråd så att bedömningarna samordnas."
            ),
            "timeline": (
                "Södra Älvsborgs sjukhus och Sjuhärad den 12 november 2024, övriga delar av södra "
                "området ett år senare, norra och östra området våren 2026 och västra området, "
                "med Sahlgrenska och barnsjukhuset, hösten 2026."
            ),
        },
        "children": {
            "age_thresholds": (
                "Vid 13 år upphör vårdnadshavarens ombudsåtkomst till journalen i 1177. Mellan 13 och "
                "15 år har varken barnet eller vårdnadshavaren automatisk åtkomst; undantag kan göras "
                "efter menprövning. Från 16 år har bara den unge åtkomst, och Läkemedelskollen öppnas "
                "vid 18. Barn med e-legitimation kan logga in i 1177 redan från ungefär 8 år."
            ),
            "excluded_groups": (
                "Unga vuxna 18–25 år som besöker ungdomsmottagningarna analyseras inte som egen grupp, "
                "men åtgärderna för ungdomsmottagningarna gäller även dem. Elevhälsans journaler ligger "
                "utanför systemet; övergångarna till och från elevhälsan behandlas i steg 5."
            ),
            "prompt__children_without_personnummer": (
                "Journaler med reservnummer stäms av särskilt före migreringen, och en manuell rutin "
                "för sammanslagning när barnet får personnummer tas fram. Vårdpersonal informeras om "
                "att asylsökande och papperslösa barn har rätt till vård även när e-tjänsterna inte "
                "fungerar för dem."
            ),
            "prompt__children_as_relatives": (
                "Ja, om mallarna byggs rätt. Ett obligatoriskt fält om minderåriga barn i hushållet "
                "läggs in vid inskrivning i vuxenpsykiatri, beroendevård och cancervård, med en "
                "påminnelse om samtal med barnet."
            ),
            "prompt__children_in_care": (
                "Inte automatiskt: ombudsbehörighet hämtas från folkbokföringen och familjehemsföräldrar "
                "syns inte. Ett fält för ansvarig vuxen och kontaktperson läggs in, och socialtjänsten "
                "och regionen tar fram en gemensam manuell rutin för placerade och ensamkommande barn."
            ),
        },
        "rights": {
            "engaged_articles": [2, 3, 4, 5, 6, 8, 9, 12, 13, 16, 17, 18, 19, 20, 22, 23, 24, 30],
            "gc14_elements": [
                "views",
                "identity",
                "family",
                "protection",
                "vulnerability",
                "health",
            ],
            "general_comments": (
                "Allmän kommentar nr 14 om barnets bästa, nr 12 om rätten att bli hörd, nr 15 om "
                "hälsa, nr 20 om ungdomar (bland annat konfidentiell tillgång till vård) och nr 25 om "
                "barns rättigheter i den digitala miljön. Nr 19 om offentliga budgetar berör "
                "investeringens alternativkostnad."
            ),
            "swedish_law": (
                "Patientdatalagen 4, 6 och 8 kap. (inre sekretess, sammanhållen journalföring och "
                "direktåtkomst), offentlighets- och sekretesslagen 12 kap. 3 § och 25 kap. 1 §, "
                "föräldrabalken 6 kap. 11 §, patientlagen 3 kap. och 4 kap. 3 §, hälso- och "
                "sjukvårdslagen 3 kap. 1 § och 5 kap. 7 § samt patientsäkerhetslagen 6 kap. 5 §. "
                "Där lagen ger utrymme för bedömning, som vid menprövning mot vårdnadshavare, ska den "
                "tolkas i ljuset av barnkonventionen, som är svensk lag sedan 2020."
            ),
            "other_conventions": (
                "Konventionen om rättigheter för personer med funktionsnedsättning (artikel 7 och 9), "
                "Europakonventionen artikel 8 om privatliv samt dataskyddsförordningen, som ger barns "
                "personuppgifter ett särskilt skydd."
            ),
            "legal_support": "yes",
        },
        "evidence": {
            "knowledge_gaps": (
                "Det totala antalet barnjournaler med blockering eller försegling i de äldre systemen är "
                "okänt; en fullständig sammanställning är beställd. Vi vet lite om hur 13–15-åringar "
                "upplever glappet i åtkomst, vilket delvis fångades i dialogen med ungdomsrådet. Om "
                "reglerna ändras efter Ds 2023:26 görs en ny prövning."
            ),
            "stakeholder_views": (
                "Barnläkare och barnsjuksköterskor oroar sig för utbildningstid och arbetsbelastning "
                "vid driftstart. Barnskyddsteamet kräver manuell kontroll av alla skyddsmarkeringar. "
                "Patientföreningar för barn med diabetes och epilepsi efterfrågar namngivna "
                "kontaktpersoner under omställningen."
            ),
            "prompt__paediatric_content": (
                "Delvis. En barnmedicinsk designgrupp med företrädare för neonatalvård, barnsjukvård "
                "och BUP har granskat tillväxtkurvor, viktbaserad dosering och vaccinationsmoduler; "
                "barnanpassade sammanfattningar saknas ännu och följs som öppen brist."
            ),
            "prompt__school_health_handoffs": (
                "Flödena är kartlagda för remisser mellan elevhälsan, primärvården och BUP. Överföring "
                "till en annan kommun eller en fristående skola kräver samtycke, och misslyckade "
                "överlämningar följs upp via avvikelsesystemet."
            ),
        },
        "participation": {
            "existing_views": (
                "Regionens prövning av digitala vårdmöten (2020) och Ineras utredning om åldersgränser "
                "visar att unga vill bestämma själva vem som kan läsa deras journal och vill kunna ha "
                "vårdsamtal ostört hemma."
            ),
            "children_heard": "yes",
            "participation_safety": (
                "Deltagandet var frivilligt, med samtycke från de unga och för barn under 15 år även "
                "från vårdnadshavare. Ingen tillfrågades om egna vårdbesök och inga namn eller "
                "personuppgifter antecknades. En kurator fanns med vid fokusgruppen på "
                "ungdomsmottagningen."
            ),
            "views_divergence": (
                "Många 13–15-åringar ville ha egen åtkomst till journalen direkt, men åldersgränserna "
                "i 1177 är nationella och kan inte ändras av regionen. Vi förtydligar i stället "
                "möjligheten att få åtkomst efter menprövning och för frågan vidare till Inera."
            ),
            "prompt__children_in_design_testing": (
                "Ja. Ungdomsrådet har granskat åtkomstmodellen, en fokusgrupp på ungdomsmottagningen "
                "har diskuterat integritet och barn 10–12 år har testat de nya 1177-texterna. "
                "Ändringarna som gjordes redovisas för deltagarna i steg 10."
            ),
        },
        "impacts": {
            "effect_chains": (
                "Skyddsmarkering tappas vid migreringen → en vårdnadshavare eller förövare ser journal "
                "eller adress i 1177 eller på en kallelse → barnets säkerhet hotas (art. 16, 19). "
                "Sänkt kapacitet vid driftstart → längre väntetider och vård som flyttas → kroniskt "
                "sjuka barn får längre resor och sämre kontinuitet (art. 6, 24). Oro för insyn → unga "
                "avstår från ungdomsmottagningen (art. 16, 24)."
            ),
            "cumulative_effects": (
                "Driftstarten sammanfaller med RS-virussäsongen och en redan ansträngd bemanning i "
                "barnsjukvården. En kommande ändring av åldersreglerna i 1177 kan kräva ännu en "
                "omställning inom kort."
            ),
            "watch_points": (
                "Avstämningen av skyddsmarkeringar, läkemedelsavvikelser hos barn, besöken på "
                "ungdomsmottagningarna och uteblivna besök för barn med kronisk sjukdom."
            ),
            "prompt__adolescent_record_access": (
                "Glappet mellan 13 och 16 år består eftersom reglerna är nationella. Åtkomstmodellen "
                "dokumenteras per åldersgrupp och testas med unga före driftstart, rutinen för undantag "
                "efter menprövning förs över oförändrad och texterna i 1177 skrivs om."
            ),
            "prompt__guardian_access_controlling_families": (
                "Vårdnadshavares åtkomst stängs av som standard för ungdomsmottagningar, BUP och "
                "sexuell och reproduktiv hälsa. Blockering kan göras samma dag, och barnskyddsteamet "
                "är eskaleringsväg när personalen är osäker."
            ),
            "prompt__protection_flags_migration": (
                "Det är den allvarligaste risken i analysen. Alla markeringar stäms av till 100 procent "
                "före driftstart, barnskyddsteamet godkänner resultatet och roller testas med syntetiska "
                "barnjournaler. En nödrutin för manuell blockering gäller från första dagen."
            ),
            "prompt__confidential_youth_care_shared_record": (
                "Ja, om inget görs. Ungdomsmottagningarnas journaler spärras på enhetsnivå som standard, "
                "unga får tydlig information om vem som kan läsa anteckningarna och loggar granskas "
                "varje månad."
            ),
            "prompt__result_release_timing": (
                "Ja, i dag visas osignerade anteckningar utan fördröjning. Utvalda känsliga svarstyper "
                "inom barn- och ungdomsvården hålls inne i 14 dagar, och vårdpersonalen ska ha pratat "
                "med patienten innan svaret syns."
            ),
            "prompt__migration_errors_child_records": (
                "Ett stickprov på minst 500 barnjournaler dubbelkontrolleras av barnsjuksköterskor, med "
                "fokus på vikt, allergier, vaccinationer och viktbaserade doser. Nyfödda och barn på "
                "neonatalavdelningen kontrolleras till 100 procent."
            ),
        },
        "alternatives": {
            "preferred_option": (
                "Driftstart med barnrättsliga villkor är bäst för barnen. Den behåller nyttan med en "
                "samlad journal men gör driftstarten beroende av att skyddsmarkeringar, åtkomstregler "
                "och barnspecifika flöden är kontrollerade, och den skyddar kroniskt sjuka barn genom "
                "namngivna kontaktpersoner och reservrutiner."
            ),
            "conflicts_of_interest": (
                "Programmets tidplan och kostnader talar för driftstart enligt plan, medan barns "
                "säkerhet och vårdkontinuitet talar för villkor och kontrollpunkter. Vårdnadshavares "
                "intresse av insyn står mot ungas rätt till privatliv; där barnet kan ta skada väger "
                "barnets integritet tyngst."
            ),
            "restriction_proportionality": (
                "Att hålla inne vissa provsvar i 1177 begränsar tillfälligt 16–17-åringars och "
                "vårdnadshavares tillgång till information. Begränsningen gäller få svarstyper, är "
                "tidsbestämd och syftar till att allvarliga besked ges i ett samtal; den bedöms som "
                "nödvändig och proportionerlig."
            ),
            "prompt__chronic_illness_continuity": (
                "Driftstart i november ligger nära RS-virussäsongen, så barnavdelningarna får förstärkt "
                "bemanning och pappersrutiner. Familjer till barn med stora vårdbehov kontaktas i förväg "
                "och får en namngiven kontaktperson."
            ),
            "prompt__capacity_waits": (
                "Kapacitet för barn reserveras under de första åtta veckorna, och BUP och "
                "barnmottagningarna tar fram planer för att beta av köer. Väntetiderna jämförs med "
                "utgångsläget i oktober 2024."
            ),
            "prompt__budget_opportunity_cost": (
                "Den barnspecifika delen av nyttor och kostnader redovisas i beslutsunderlaget. "
                "Budgeten för barn- och ungdomsvården får inte minskas för att täcka programmets "
                "merkostnader."
            ),
        },
        "conclusion": {
            "best_interests": (
                "Det är bäst för barnen att få en samlad journal som följer dem genom vården – men "
                "bara om övergången sker utan att skyddet för deras integritet och säkerhet går "
                "förlorat och utan att vården för kroniskt sjuka barn bryts. Barnets bästa kräver "
                "därför att driftstarten villkoras av barnspecifika kontroller."
            ),
            "weight_against_others": (
                "Barnets bästa har vägts mot regionens intresse av att hålla tidplan och budget och "
                "mot vårdnadshavares intresse av insyn. Tidplanen kan i regel anpassas, medan en röjd "
                "skyddad adress inte kan göras ogjord; därför har barnens säkerhet vägt tyngst. "
                "Beslutsförslaget följer slutsatsen genom att villkora driftstarten av åtgärderna i "
                "steg 8."
            ),
            "reasons_if_other_prevails": (
                "Om regionstyrelsen väljer driftstart utan villkor ska skälen anges i beslutet, och "
                "avstämningen av skyddsmarkeringar samt kontaktpersonerna för kroniskt sjuka barn ska "
                "ändå vara på plats före driftstart, med programchefen som ansvarig."
            ),
            "decision_maker_check": [
                "children_known",
                "articles_identified",
                "evidence_mapped",
                "law_analysed",
                "children_heard",
            ],
            "reasoning_in_minutes": "unsure",
        },
        "feedback": {
            "feedback_plan": (
                "Barnrättsstrategen återkopplar till ungdomsrådet vid mötet i september 2024 och till "
                "fokusgruppen via ungdomsmottagningen. Barnen i användartestet får ett brev via skolan "
                "med de ändrade texterna. Vid driftstart publiceras information på 1177, UMO och i "
                "väntrummen på barnmottagningarna."
            ),
            "views_influence": (
                "Ungdomsrådets synpunkter ledde till att ungdomsmottagningarnas journaler spärras som "
                "standard och att texterna om åtkomst skrevs om. Önskemålet om egen åtkomst från 13 år "
                "kunde regionen inte uppfylla, eftersom reglerna är nationella; frågan är skickad till "
                "Inera."
            ),
            "complaint_routes": (
                "Barn och familjer kan vända sig till patientnämnden, lämna synpunkter till vårdenheten "
                "via 1177 eller anmäla till IVO. Den som vill veta vem som läst journalen kan begära "
                "loggutdrag. Regionstyrelsens beslut kan laglighetsprövas hos förvaltningsrätten."
            ),
            "publication": (
                "Analysen publiceras som bilaga till regionstyrelsens handlingar på regionens webbplats, "
                "utan uppgifter som kan identifiera enskilda barn."
            ),
            "child_friendly_summary": (
                "Regionen byter datorsystem för journaler, alltså det som vården skriver om dig. Unga "
                "har sagt att det är viktigt att ingen annan läser det de berättar på "
                "ungdomsmottagningen. Därför är de anteckningarna låsta, och vi kontrollerar att inget "
                "skydd försvinner vid bytet. Har du frågor kan du prata med skolsköterskan, "
                "ungdomsmottagningen eller ringa 1177."
            ),
            "prompt__information_to_families": (
                "Information på lätt svenska och på de tio vanligaste språken, inklusive finska och "
                "teckenspråk, sprids via skolsköterskor, ungdomsmottagningar och barnhälsovården. "
                "Antalet visningar och samtal till 1177 om bytet följs upp."
            ),
        },
        "follow_up": {
            "checkpoints": (
                "Chefläkaren för barn- och ungdomsmedicin följer barnspecifika signaler dagligen de "
                "första fyra veckorna. Första samlade avstämning görs tre månader efter driftstart, och "
                "effekterna för barn utvärderas efter ett och tre år."
            ),
            "children_feedback_after": (
                "En kort enkät i 1177 och på ungdomsmottagningarna, samt ett uppföljande möte med "
                "ungdomsrådet våren 2025. Synpunkterna tas om hand av programmets förvaltningsgrupp."
            ),
            "reassessment_triggers": (
                "Varje incident där ett barns skyddade uppgifter röjs leder till omedelbar paus i "
                "berörda flöden; programchefen beslutar efter samråd med barnskyddsteamet. Paus prövas "
                "också om läkemedelsavvikelserna hos barn ökar med mer än 20 procent eller besöken på "
                "ungdomsmottagningarna minskar med mer än 15 procent. Ändras åtkomstreglerna i 1177 "
                "görs en ny prövning."
            ),
            "reporting_to": "Regionstyrelsen, efter tre månader och i årsrapporten för 2025",
            "prompt__complex_needs_benefits": (
                "Antalet upprepade prover och anamneser räknas före och efter införandet, och familjer "
                "till barn med komplexa behov får svara på en kort enkät om samordningen."
            ),
            "prompt__pause_triggers": (
                "Incidenter med skyddade uppgifter, läkemedelsavvikelser hos barn och uteblivna besök för "
                "kroniskt sjuka barn följs dagligen de första veckorna, med gränsvärden beslutade före "
                "driftstart."
            ),
        },
    },
    "completed_steps": [
        "screening",
        "decision",
        "children",
        "rights",
        "evidence",
        "participation",
        "impacts",
        "alternatives",
        "conclusion",
        "feedback",
        "follow_up",
    ],
    "child_groups": [
        {
            "ref": "newborns",
            "label": "Nyfödda och spädbarn i förlossnings-, neonatal- och barnhälsovård",
            "age_band": "0-1",
            "relation": "user",
            "vulnerable_situations": [],
            "estimated_number": 17500,
            "number_source": "SCB, födda i Västra Götalands län 2023 (avrundat)",
        },
        {
            "ref": "small_children",
            "label": "Barn 1–5 år som patienter, med vårdnadshavare som ombud i 1177",
            "age_band": "1-5",
            "relation": "user",
            "vulnerable_situations": [],
            "estimated_number": 90000,
            "number_source": "SCB, befolkning per ålder 2023 (avrundat)",
        },
        {
            "ref": "school_children",
            "label": "Barn 6–12 år som patienter, med vårdnadshavare som ombud i 1177",
            "age_band": "6-12",
            "relation": "user",
            "vulnerable_situations": [],
            "estimated_number": 140000,
            "number_source": "SCB, befolkning per ålder 2023 (avrundat)",
        },
        {
            "ref": "teens_13_15",
            "label": "13–15-åringar utan automatisk egen journalåtkomst",
            "age_band": "13-15",
            "relation": "user",
            "vulnerable_situations": ["lgbtq", "violence_oppression"],
            "estimated_number": 62000,
            "number_source": "SCB, befolkning per ålder 2023 (avrundat)",
        },
        {
            "ref": "teens_16_17",
            "label": "16–17-åringar med egen journalåtkomst i 1177",
            "age_band": "16-17",
            "relation": "user",
            "vulnerable_situations": ["lgbtq"],
            "estimated_number": 41000,
            "number_source": "SCB, befolkning per ålder 2023 (avrundat)",
        },
        {
            "ref": "protected",
            "label": "Barn med skyddade personuppgifter eller blockerad eller förseglad journal",
            "age_band": "0-17",
            "relation": "user",
            "vulnerable_situations": ["protected_identity", "violence_oppression"],
            "estimated_number": 1500,
            "number_source": "Uppskattning från barnskyddsteamet och uttag ur Melior; exakt antal tas fram",
        },
        {
            "ref": "chronic",
            "label": "Kroniskt sjuka barn och barn med komplexa vårdbehov",
            "age_band": "0-17",
            "relation": "user",
            "vulnerable_situations": ["disability_chronic_illness"],
            "estimated_number": 12000,
            "number_source": "Barn- och ungdomsmedicinska mottagningar och nationella kvalitetsregister, uppskattning",
        },
        {
            "ref": "relatives",
            "label": "Barn som anhöriga till vuxna patienter",
            "age_band": "0-17",
            "relation": "relative",
            "vulnerable_situations": ["young_carer"],
            "estimated_number": 30000,
            "number_source": "Socialstyrelsens skattning av andelen barn med en förälder med allvarlig sjukdom, psykisk ohälsa eller missbruk",
        },
        {
            "ref": "reserve_numbers",
            "label": "Barn utan personnummer (reservnummer), bland annat asylsökande och papperslösa barn",
            "age_band": "0-17",
            "relation": "user",
            "vulnerable_situations": ["migrant", "other_language"],
            "estimated_number": 2500,
            "number_source": "Antal barnjournaler med reservnummer i Melior 2023, uppskattning",
        },
        {
            "ref": "in_care",
            "label": "Placerade och ensamkommande barn",
            "age_band": "0-17",
            "relation": "user",
            "vulnerable_situations": ["in_care", "migrant"],
            "estimated_number": 4000,
            "number_source": "Socialstyrelsens statistik om heldygnsinsatser, Västra Götalands län (avrundat)",
        },
    ],
    "evidence_sources": [
        {
            "kind": "earlier_assessment",
            "title": "Barnkonsekvensanalys av digitala vårdmöten",
            "reference": "Västra Götalandsregionen, 2020",
            "findings": (
                "Unga behöver kunna ha vårdsamtal ostört, och identitet och säkerhet måste kontrolleras "
                "för barn i riskmiljöer. Rekommendationerna förs över till den nya plattformen."
            ),
        },
        {
            "kind": "earlier_assessment",
            "title": "Utredning om åldersgränser för e-tjänster i 1177, med barnkonsekvensanalys",
            "reference": "Inera, 2022",
            "findings": (
                "Reglerna för åtkomst per ålder finns för att skydda unga under stark kontroll eller "
                "hot om våld. Glappet mellan 13 och 16 år skapar problem för familjer efter akuta "
                "händelser."
            ),
        },
        {
            "kind": "other",
            "title": "Ds 2023:26 om barns och vårdnadshavares elektroniska åtkomst till journalen",
            "reference": "Socialdepartementet, 2023, med remissvar från Barnombudsmannen",
            "findings": (
                "Föreslår att både barnet och vårdnadshavarna får åtkomst från 13 år, men inte "
                "vårdnadshavarna om barnet motsätter sig det, och att uppgifter som omfattas av "
                "sekretess mot vårdnadshavare ska spärras."
            ),
        },
        {
            "kind": "complaints",
            "title": "Avvikelser och patientnämndsärenden om barns journaler i 1177",
            "reference": "Regionens avvikelsesystem och patientnämndens ärenden 2019–2023",
            "findings": (
                "Flest ärenden gäller separerade vårdnadshavare och åtkomst för 13–15-åringar. Införandet "
                "av barns journaler i 1177 sköts upp 2019 eftersom rutiner för barn med skyddsbehov "
                "saknades."
            ),
        },
        {
            "kind": "professional",
            "title": "Workshop med barnsjukvården, barnskyddsteamet och ungdomsmottagningarna",
            "reference": "Programmets arbetsgrupp för barn, februari 2024",
            "findings": (
                "Största riskerna bedöms vara tappade skyddsmarkeringar, migreringsfel i viktbaserade "
                "doser och att unga slutar söka ungdomsmottagningen om journalen upplevs som öppen."
            ),
        },
        {
            "kind": "research",
            "title": "Konfidentialitet och ungas vårdsökande",
            "reference": "FN:s barnrättskommitté, allmän kommentar nr 20, punkt 39, samt forskningsöversikter om ungdomsmottagningar",
            "findings": (
                "Oro för att vårdnadshavare eller andra ska få insyn är ett av de vanligaste skälen "
                "till att unga avstår från vård inom sexuell och reproduktiv hälsa."
            ),
        },
    ],
    "consultations": [
        {
            "method": "youth_council",
            "children_count": 14,
            "age_from": 13,
            "age_to": 17,
            "held_on": "2024-03-12",
            "adaptations": (
                "Två korta pass med exempel på skärmbilder i stället för skriftligt underlag. Fika och "
                "ersättning enligt regionens regler, möte efter skoltid."
            ),
            "views": (
                "De unga vill själva bestämma vem som läser journalen och tycker att texterna i 1177 "
                "är svåra. Flera var oroliga för att föräldrar ska se besök på ungdomsmottagningen."
            ),
            "influence": (
                "Ungdomsmottagningarnas journaler spärras som standard och texterna om åtkomst skrivs "
                "om. Önskemålet om egen åtkomst från 13 år skickas vidare till Inera."
            ),
        },
        {
            "method": "focus_group",
            "children_count": 7,
            "age_from": 15,
            "age_to": 17,
            "held_on": "2024-03-20",
            "adaptations": (
                "Genomfördes på ungdomsmottagningen i Borås med kurator närvarande. Inga frågor om egna "
                "besök, och ingen dokumentation av namn."
            ),
            "views": (
                "Provsvar ska inte dyka upp i appen innan någon har ringt. Det måste stå tydligt vem "
                "som kan läsa anteckningar från ungdomsmottagningen."
            ),
            "influence": (
                "Ledde till att känsliga provsvar hålls inne tills vårdpersonalen har pratat med "
                "patienten, och till en ny informationstext om vem som kan läsa journalen."
            ),
        },
        {
            "method": "user_testing",
            "children_count": 12,
            "age_from": 10,
            "age_to": 12,
            "held_on": "2024-04-09",
            "adaptations": (
                "Test i par under skoltid med fiktiva journaler, bilder och högläsning. Vårdnadshavare "
                "gav samtycke och en lärare fanns med."
            ),
            "views": (
                "Barnen förstod inte orden ombud, blockering och menprövning. De ville veta varför "
                "föräldrarna kan läsa journalen och vad som händer när de fyller 13."
            ),
            "influence": (
                "Texterna om ombud och ålder skrevs om på enkel svenska och kompletterades med en "
                "bildserie, som testades igen med samma klass."
            ),
        },
        {
            "method": "interview",
            "children_count": 6,
            "age_from": 9,
            "age_to": 16,
            "held_on": "2024-04-16",
            "adaptations": (
                "Korta samtal i samband med ordinarie besök på barn- och ungdomsmedicinska "
                "mottagningen, med en förälder närvarande om barnet ville."
            ),
            "views": (
                "Barn med diabetes och epilepsi var oroliga för att behöva berätta allt igen och för "
                "att ingen skulle känna till deras behandlingsplan under bytet."
            ),
            "influence": (
                "Namngivna kontaktpersoner och en utskriven behandlingsplan till familjerna före "
                "driftstart lades in som åtgärder."
            ),
        },
    ],
    "impacts": [
        # Nyfödda och spädbarn
        {
            "article": 6,
            "group": "newborns",
            "direction": "weakens",
            "term": "short",
            "severity": "high",
            "likelihood": "possible",
            "explanation": "Fel i vikt, tillväxtkurvor eller viktbaserade doser vid migreringen kan ge "
            "direkt skada hos nyfödda.",
        },
        {
            "article": 24,
            "group": "newborns",
            "direction": "strengthens",
            "term": "long",
            "severity": "medium",
            "likelihood": "likely",
            "explanation": "En gemensam journal från förlossning till neonatalvård och barnhälsovård "
            "minskar risken att information tappas mellan vårdgivare.",
        },
        {
            "article": 18,
            "group": "newborns",
            "direction": "neutral",
            "term": "both",
            "severity": "low",
            "likelihood": "likely",
            "explanation": "Vårdnadshavarnas möjlighet att följa spädbarnets vård via 1177 behålls, "
            "förutsatt att ombudsåtkomsten förs över korrekt.",
        },
        # Barn 1–5 år
        {
            "article": 24,
            "group": "small_children",
            "direction": "weakens",
            "term": "short",
            "severity": "medium",
            "likelihood": "likely",
            "explanation": "Lägre kapacitet under driftstarten ger längre väntetider på barnmottagningar "
            "och barnakut, samtidigt som RS-virussäsongen börjar.",
        },
        {
            "article": 6,
            "group": "small_children",
            "direction": "weakens",
            "term": "short",
            "severity": "medium",
            "likelihood": "possible",
            "explanation": "Vaccinationer och allergier som inte migreras rätt kan leda till felaktig "
            "behandling.",
        },
        {
            "article": 18,
            "group": "small_children",
            "direction": "strengthens",
            "term": "long",
            "severity": "low",
            "likelihood": "likely",
            "explanation": "Samlad information i 1177 gör det lättare för vårdnadshavare att hålla reda "
            "på barnets besök och behandlingar.",
        },
        # Barn 6–12 år
        {
            "article": 12,
            "group": "school_children",
            "direction": "strengthens",
            "term": "long",
            "severity": "medium",
            "likelihood": "possible",
            "explanation": "Ett strukturerat fält för barnets inställning och mognad gör det lättare att "
            "dokumentera och ta hänsyn till barnets åsikt.",
        },
        {
            "article": 17,
            "group": "school_children",
            "direction": "strengthens",
            "term": "long",
            "severity": "low",
            "likelihood": "likely",
            "explanation": "Texterna i 1177 skrivs om efter användartestet så att barn förstår vem som "
            "kan läsa journalen.",
        },
        {
            "article": 16,
            "group": "school_children",
            "direction": "neutral",
            "term": "both",
            "severity": "low",
            "likelihood": "likely",
            "explanation": "Vårdnadshavares åtkomst till och med 12 år är oförändrad; inga nya grupper "
            "får läsa journalen.",
        },
        {
            "article": 24,
            "group": "school_children",
            "direction": "weakens",
            "term": "short",
            "severity": "medium",
            "likelihood": "possible",
            "explanation": "Längre väntetider till BUP och neuropsykiatriska utredningar under "
            "omställningen.",
        },
        # 13–15 år
        {
            "article": 16,
            "group": "teens_13_15",
            "direction": "weakens",
            "term": "both",
            "severity": "high",
            "likelihood": "possible",
            "explanation": "Om åtkomstreglerna byggs fel kan vårdnadshavare få se känsliga besök, till "
            "exempel på ungdomsmottagningen.",
        },
        {
            "article": 17,
            "group": "teens_13_15",
            "direction": "weakens",
            "term": "long",
            "severity": "medium",
            "likelihood": "likely",
            "explanation": "Glappet i egen åtkomst mellan 13 och 16 år består, och unga och familjer "
            "saknar information efter akuta händelser.",
        },
        {
            "article": 12,
            "group": "teens_13_15",
            "direction": "strengthens",
            "term": "long",
            "severity": "medium",
            "likelihood": "possible",
            "explanation": "Rutinen för åtkomst efter menprövning förtydligas, så att den unges egen "
            "vilja får större genomslag.",
        },
        {
            "article": 5,
            "group": "teens_13_15",
            "direction": "unknown",
            "term": "long",
            "severity": "medium",
            "likelihood": "possible",
            "explanation": "Hur vårdnadshavares vägledning balanseras mot den unges växande självständighet "
            "beror på kommande nationella regler.",
        },
        {
            "article": 24,
            "group": "teens_13_15",
            "direction": "weakens",
            "term": "long",
            "severity": "high",
            "likelihood": "possible",
            "explanation": "Oro för insyn i en gemensam journal kan få unga att avstå från "
            "ungdomsmottagningen och BUP.",
        },
        # 16–17 år
        {
            "article": 16,
            "group": "teens_16_17",
            "direction": "weakens",
            "term": "both",
            "severity": "medium",
            "likelihood": "possible",
            "explanation": "Fler vårdgivare och anställda kan tekniskt öppna journalen, vilket kräver "
            "behörighetsstyrning och loggkontroll.",
        },
        {
            "article": 17,
            "group": "teens_16_17",
            "direction": "strengthens",
            "term": "long",
            "severity": "medium",
            "likelihood": "likely",
            "explanation": "Den egna åtkomsten i 1177 blir mer komplett när all vård dokumenteras i samma "
            "system.",
        },
        {
            "article": 3,
            "group": "teens_16_17",
            "direction": "weakens",
            "term": "short",
            "severity": "medium",
            "likelihood": "possible",
            "explanation": "Allvarliga provsvar kan synas i 1177 innan någon har pratat med den unge, om "
            "fördröjning inte konfigureras.",
        },
        {
            "article": 24,
            "group": "teens_16_17",
            "direction": "weakens",
            "term": "long",
            "severity": "medium",
            "likelihood": "possible",
            "explanation": "Unga med kroniska sjukdomar riskerar sämre samordning vid övergången till "
            "vuxenvården under omställningen.",
        },
        # Skyddade personuppgifter
        {
            "article": 16,
            "group": "protected",
            "direction": "weakens",
            "term": "both",
            "severity": "high",
            "likelihood": "possible",
            "explanation": "En blockering eller försegling som inte följer med kan ge en förövare tillgång "
            "till barnets journal.",
        },
        {
            "article": 19,
            "group": "protected",
            "direction": "weakens",
            "term": "both",
            "severity": "high",
            "likelihood": "possible",
            "explanation": "En röjd adress via kallelser eller brev kan utsätta barnet för våld; skadan "
            "går inte att göra ogjord.",
        },
        {
            "article": 8,
            "group": "protected",
            "direction": "weakens",
            "term": "short",
            "severity": "medium",
            "likelihood": "possible",
            "explanation": "Sekretessmarkering och skyddad folkbokföring måste föras över korrekt för att "
            "barnets identitetsuppgifter ska vara skyddade.",
        },
        {
            "article": 3,
            "group": "protected",
            "direction": "weakens",
            "term": "short",
            "severity": "high",
            "likelihood": "possible",
            "explanation": "Barnets bästa kräver att driftstarten villkoras av att alla skyddsmarkeringar "
            "är kontrollerade.",
        },
        # Kroniskt sjuka barn
        {
            "article": 6,
            "group": "chronic",
            "direction": "weakens",
            "term": "short",
            "severity": "high",
            "likelihood": "possible",
            "explanation": "Avbrott i behandlingsplaner och läkemedelslistor vid driftstart kan vara "
            "livshotande för barn med till exempel diabetes eller hemrespirator.",
        },
        {
            "article": 24,
            "group": "chronic",
            "direction": "strengthens",
            "term": "long",
            "severity": "high",
            "likelihood": "likely",
            "explanation": "En samlad journal ger färre upprepade prover och anamneser och bättre "
            "samordning mellan sjukhus, primärvård och habilitering.",
        },
        {
            "article": 23,
            "group": "chronic",
            "direction": "strengthens",
            "term": "long",
            "severity": "medium",
            "likelihood": "likely",
            "explanation": "Barn med funktionsnedsättning slipper upprepa sin historia och får bättre "
            "förutsättningar för en samordnad plan.",
        },
        {
            "article": 18,
            "group": "chronic",
            "direction": "weakens",
            "term": "short",
            "severity": "medium",
            "likelihood": "likely",
            "explanation": "När vård flyttas till andra sjukhus under driftstarten får familjerna längre "
            "resor och tyngre samordningsansvar.",
        },
        # Barn som anhöriga
        {
            "article": 3,
            "group": "relatives",
            "direction": "strengthens",
            "term": "long",
            "severity": "medium",
            "likelihood": "likely",
            "explanation": "Ett obligatoriskt fält om minderåriga barn vid inskrivning av vuxna gör att "
            "barnen uppmärksammas oftare.",
        },
        {
            "article": 19,
            "group": "relatives",
            "direction": "strengthens",
            "term": "long",
            "severity": "medium",
            "likelihood": "possible",
            "explanation": "Barn till vuxna som utövar våld eller har missbruk upptäcks tidigare när "
            "frågan finns i mallarna.",
        },
        {
            "article": 9,
            "group": "relatives",
            "direction": "neutral",
            "term": "long",
            "severity": "low",
            "likelihood": "possible",
            "explanation": "Stöd till kontakt med en förälder som vårdas länge påverkas inte av "
            "systemet i sig utan av rutinerna runt det.",
        },
        {
            "article": 24,
            "group": "relatives",
            "direction": "weakens",
            "term": "short",
            "severity": "medium",
            "likelihood": "possible",
            "explanation": "Om fälten inte byggs in före driftstart tappas den påminnelse som finns i "
            "dag i vuxenpsykiatrins mallar.",
        },
        # Reservnummer
        {
            "article": 2,
            "group": "reserve_numbers",
            "direction": "weakens",
            "term": "both",
            "severity": "medium",
            "likelihood": "likely",
            "explanation": "Barn med reservnummer kan inte använda e-tjänsterna i 1177 och riskerar "
            "sämre tillgång än andra barn.",
        },
        {
            "article": 8,
            "group": "reserve_numbers",
            "direction": "weakens",
            "term": "short",
            "severity": "medium",
            "likelihood": "possible",
            "explanation": "Dubbla eller splittrade journaler vid migreringen kan göra att barnets "
            "vårdhistorik förloras.",
        },
        {
            "article": 22,
            "group": "reserve_numbers",
            "direction": "weakens",
            "term": "short",
            "severity": "medium",
            "likelihood": "possible",
            "explanation": "Asylsökande barn som flyttas mellan boenden är särskilt beroende av att "
            "journalen följer med.",
        },
        {
            "article": 30,
            "group": "reserve_numbers",
            "direction": "unknown",
            "term": "long",
            "severity": "low",
            "likelihood": "possible",
            "explanation": "Det är oklart om uppgifter om språk och tolkbehov, inklusive minoritetsspråk, "
            "förs över korrekt.",
        },
        # Placerade och ensamkommande barn
        {
            "article": 20,
            "group": "in_care",
            "direction": "weakens",
            "term": "long",
            "severity": "medium",
            "likelihood": "likely",
            "explanation": "Familjehemsföräldrar syns inte i systemet, och barnet kan sakna någon som "
            "kan agera för det digitalt.",
        },
        {
            "article": 22,
            "group": "in_care",
            "direction": "weakens",
            "term": "long",
            "severity": "medium",
            "likelihood": "possible",
            "explanation": "God man och särskilt förordnad vårdnadshavare modelleras inte, vilket kan "
            "fördröja samtycken och information.",
        },
        {
            "article": 16,
            "group": "in_care",
            "direction": "weakens",
            "term": "both",
            "severity": "medium",
            "likelihood": "possible",
            "explanation": "Fel person kan få ombudsåtkomst om uppgifter om vårdnad inte uppdateras när "
            "barnet placeras.",
        },
    ],
    "alternatives": [
        {
            "title": "Driftstart enligt plan utan barnspecifika villkor",
            "description": "Driftstart den 12 november 2024 med programmets ordinarie kontroller.",
            "child_rights_assessment": (
                "Ger nyttan av en samlad journal snabbast men lämnar risken för tappade "
                "skyddsmarkeringar och migreringsfel i barnjournaler okontrollerad."
            ),
            "conflicts_of_interest": "Tidplan och kostnad väger tyngst; barns säkerhet får stå tillbaka.",
            "is_preferred": False,
        },
        {
            "title": "Driftstart med barnrättsliga villkor och kontrollpunkter",
            "description": (
                "Driftstart enligt plan, men bara om skyddsmarkeringar, åtkomstregler per ålder och "
                "barnspecifika migreringskontroller är godkända, och med kontaktpersoner för kroniskt "
                "sjuka barn."
            ),
            "child_rights_assessment": (
                "Behåller nyttan för barn med komplexa behov och minskar de allvarligaste riskerna för "
                "barn med skyddsbehov och unga i kontrollerande familjer."
            ),
            "conflicts_of_interest": (
                "Kan skjuta upp driftstarten några veckor om villkoren inte uppfylls, vilket kostar "
                "pengar och påverkar programmets tidplan."
            ),
            "is_preferred": True,
        },
        {
            "title": "Senarelagd driftstart för barn- och ungdomsvården",
            "description": (
                "Vuxenvården i etappen startar i november 2024, medan barn- och ungdomsvården väntar "
                "till efter RS-virussäsongen, våren 2025."
            ),
            "child_rights_assessment": (
                "Skyddar barnsjukvården under högsäsong men ger två parallella system för familjer och "
                "risk för informationsglapp mellan barn- och vuxenvård, till exempel för barn som "
                "anhöriga."
            ),
            "conflicts_of_interest": "Kräver dubbla integrationer och längre parallelldrift.",
            "is_preferred": False,
        },
    ],
    "measures": [
        {
            "description": (
                "Fullständig avstämning av blockeringar, förseglingar och skyddade personuppgifter i "
                "barnjournaler, godkänd av barnskyddsteamet före driftstart."
            ),
            "owner": "Programchef Millennium tillsammans med barnskyddsteamet",
            "due_date": "2024-10-15",
            "status": "in_progress",
        },
        {
            "description": (
                "Dokumentera åtkomstmodellen per åldersgrupp i 1177 och testa den med ungdomsrådet."
            ),
            "owner": "Informationsförvaltare för 1177 journal, Koncernkontoret",
            "due_date": "2024-09-30",
            "status": "in_progress",
        },
        {
            "description": (
                "Spärra ungdomsmottagningarnas journaler på enhetsnivå som standard och stäng av "
                "vårdnadshavares åtkomst för känsliga enheter."
            ),
            "owner": "Verksamhetschef för ungdomsmottagningarna",
            "due_date": "2024-10-01",
            "status": "planned",
        },
        {
            "description": (
                "Dubbelkontrollera ett stickprov av barnjournaler efter migreringen och samtliga "
                "journaler för nyfödda och barn på neonatalavdelningen."
            ),
            "owner": "Chefläkare, barn- och ungdomsmedicin",
            "due_date": "2024-11-08",
            "status": "planned",
        },
        {
            "description": (
                "Kontakta familjer till barn med stora vårdbehov före driftstart och ge dem en "
                "namngiven kontaktperson och en utskriven behandlingsplan."
            ),
            "owner": "Verksamhetschef, barn- och ungdomsmedicin Södra Älvsborgs sjukhus",
            "due_date": "2024-10-31",
            "status": "planned",
        },
        {
            "description": (
                "Bygg in obligatoriskt fält om minderåriga barn i hushållet i vuxenpsykiatrins, "
                "beroendevårdens och cancervårdens inskrivningsmallar."
            ),
            "owner": "Regional samordnare för barn som anhöriga",
            "due_date": "2024-10-01",
            "status": "planned",
        },
        {
            "description": (
                "Håll inne utvalda känsliga provsvar i 1177 för patienter under 18 år tills "
                "vårdpersonalen har pratat med patienten."
            ),
            "owner": "Medicinsk informatiker i Millenniumprogrammet",
            "due_date": "2024-09-30",
            "status": "planned",
        },
        {
            "description": (
                "Ta fram barnanpassad och flerspråkig information om bytet och sprid den via "
                "skolsköterskor, ungdomsmottagningar och barnhälsovården."
            ),
            "owner": "Kommunikationsavdelningen, Koncernkontoret",
            "due_date": "2024-10-20",
            "status": "planned",
        },
    ],
    "indicators": [
        {
            "name": "Andel skyddsmarkeringar i barnjournaler som stämts av efter migreringen",
            "baseline": "Ingen samlad kontroll i dag",
            "target": "100 procent före driftstart",
            "source": "Migreringsrapport och barnskyddsteamets kontrollista",
            "responsible": "Programchef Millennium",
            "measure_on": "2024-11-08",
        },
        {
            "name": "Läkemedelsavvikelser hos patienter under 18 år per månad",
            "baseline": "Månadsgenomsnitt 2023 i södra området",
            "target": "Ingen ökning jämfört med utgångsläget tre månader efter driftstart",
            "source": "Regionens avvikelsesystem",
            "responsible": "Patientsäkerhetssamordnare, barn- och ungdomsmedicin",
            "measure_on": "2025-02-12",
        },
        {
            "name": "Besök på ungdomsmottagningarna i södra området",
            "baseline": "Besök per månad september–november 2023",
            "target": "Högst 5 procent lägre än utgångsläget",
            "source": "Verksamhetsstatistik från ungdomsmottagningarna",
            "responsible": "Verksamhetschef för ungdomsmottagningarna",
            "measure_on": "2025-03-31",
        },
        {
            "name": "Uteblivna eller uppskjutna besök för barn med kronisk sjukdom",
            "baseline": "Andel under oktober 2024",
            "target": "Tillbaka på utgångsläget senast tre månader efter driftstart",
            "source": "Tidbokningsdata i Millennium och Elvis",
            "responsible": "Verksamhetschef, barn- och ungdomsmedicin Södra Älvsborgs sjukhus",
            "measure_on": "2025-02-12",
        },
        {
            "name": "Andel journaler i vuxenpsykiatrin och cancervården med dokumenterad bedömning av barn som anhöriga",
            "baseline": "Cirka 40 procent vid journalgranskning 2023",
            "target": "Minst 80 procent",
            "source": "Journalgranskning två gånger per år",
            "responsible": "Regional samordnare för barn som anhöriga",
            "measure_on": "2025-06-30",
        },
        {
            "name": "Väntetid till första besök i BUP för barn i södra området",
            "baseline": "Median i oktober 2024",
            "target": "Ingen försämring ett år efter driftstart",
            "source": "Väntetider i vården (SKR) och regionens uppföljning",
            "responsible": "Verksamhetschef, BUP Södra Älvsborg",
            "measure_on": "2025-11-12",
        },
    ],
}


# ---------------------------------------------------------------------------------------------
# 2. Health care – barnakut och neonatalvård nattetid (partly filled)
# ---------------------------------------------------------------------------------------------

_HALLAND_BARNAKUT = {
    "title": "Samordnad barnakut och neonatalvård nattetid",
    "organisation": "Region Halland, Hälso- och sjukvårdsförvaltningen",
    "decision_area": "health_care",
    "diarienummer": "RS 2025-00187",
    "planned_decision_date": "2025-11-26",
    "owner": "team",
    "members": [("reviewer", "viewer")],
    "final_status": "draft",
    "answers": {
        "screening": {
            "children_affected": "directly",
            "affected_how": (
                "Barn som behöver akut vård nattetid i norra Halland hänvisas till sjukhuset i "
                "Halmstad i stället för Varberg. För familjer i Kungsbacka och Varberg blir resan "
                "längre, och nyfödda som behöver neonatalvård flyttas oftare mellan sjukhusen."
            ),
            "magnitude": "major",
            "child_numbers": "many",
            "vulnerable_affected": "yes",
            "reversibility": "partly",
            "screening_justification": (
                "Fördjupad prövning, eftersom beslutet gäller akutvård för barn och slår hårdast mot "
                "familjer utan bil och barn med kroniska sjukdomar."
            ),
            "owner_and_team": (
                "Ägare: förvaltningens utvecklingsdirektör. Arbetsgrupp: verksamhetschefer för "
                "barn- och ungdomsmedicin och kvinnosjukvård, barnrättsstrateg, ambulanssjukvården "
                "och patientsäkerhetsenheten."
            ),
            "assessment_deadline": "2025-10-17",
            "prompt__care_for_children_or_parents": (
                "Ja, direkt genom var och när barnakuten är öppen, och indirekt genom att föräldrar "
                "till nyfödda kan behöva bo på ett annat sjukhus än där mamman vårdas."
            ),
        },
        "decision": {
            "proposal": (
                "Barnakuten i Varberg föreslås hålla öppet kl. 08–21, medan barn nattetid tas emot i "
                "Halmstad. Neonatalvården samlas så att de minsta barnen vårdas i Halmstad. Syftet är "
                "att klara bemanningen med barnläkare dygnet runt."
            ),
            "objectives": (
                "Säker och jämlik akutvård för barn dygnet runt, med barnkompetent personal på plats, "
                "och färre inställda pass på grund av vakanser."
            ),
            "zero_option": (
                "Båda barnakuterna fortsätter dygnet runt med stort beroende av hyrläkare och risk för "
                "tillfälliga stängningar med kort varsel."
            ),
            "decision_body": "Regionstyrelsen, Region Halland",
            "timeline": "Beslut november 2025, införande från mars 2026 efter samverkan med ambulanssjukvården.",
        },
        "children": {
            "age_thresholds": "Barnakuten tar emot barn upp till 18 år; neonatalvården gäller barn under 28 dagar.",
        },
        "rights": {
            "engaged_articles": [2, 3, 6, 12, 9, 18, 23, 24],
        },
        "evidence": {
            "knowledge_gaps": (
                "Det saknas uppgifter om hur många familjer i norra Halland som saknar bil. "
                "Restidsanalysen görs tillsammans med kollektivtrafiken."
            ),
        },
    },
    "completed_steps": ["screening", "decision"],
    "child_groups": [
        {
            "ref": "night_patients",
            "label": "Barn som söker akut vård nattetid i norra Halland",
            "age_band": "0-17",
            "relation": "user",
            "vulnerable_situations": ["rural", "poverty"],
            "estimated_number": 3200,
            "number_source": "Besöksstatistik barnakuten Varberg 2024, kl. 21–08",
        },
        {
            "ref": "neonates",
            "label": "Nyfödda i behov av neonatalvård",
            "age_band": "0-1",
            "relation": "user",
            "vulnerable_situations": [],
            "estimated_number": 450,
            "number_source": "Neonatalregistret, Hallands sjukhus 2024",
        },
        {
            "ref": "siblings",
            "label": "Syskon till barn som vårdas i Halmstad",
            "age_band": "0-17",
            "relation": "relative",
            "vulnerable_situations": [],
            "estimated_number": None,
            "number_source": "Ej uppskattat",
        },
    ],
    "evidence_sources": [
        {
            "kind": "statistics",
            "title": "Besök på barnakuterna per timme och hemkommun",
            "reference": "Region Halland, verksamhetsstatistik 2022–2024",
            "findings": "Färre än fem besök per natt i Varberg, men många av dem gäller små barn med andningsbesvär.",
        },
        {
            "kind": "professional",
            "title": "Synpunkter från barnläkare och ambulanssjukvården",
            "reference": "Samverkansmöte september 2025",
            "findings": "Ambulanssjukvården behöver förstärkt beredskap för transporter av barn nattetid.",
        },
    ],
    "impacts": [
        {
            "article": 24,
            "group": "night_patients",
            "direction": "weakens",
            "term": "long",
            "severity": "medium",
            "likelihood": "likely",
            "explanation": "Längre resväg till akutvård nattetid, särskilt för familjer utan bil.",
        },
        {
            "article": 2,
            "group": "night_patients",
            "direction": "weakens",
            "term": "long",
            "severity": "medium",
            "likelihood": "possible",
            "explanation": "Skillnaden i tillgång mellan norra och södra Halland ökar.",
        },
        {
            "article": 6,
            "group": "neonates",
            "direction": "strengthens",
            "term": "long",
            "severity": "high",
            "likelihood": "likely",
            "explanation": "Samlad neonatalvård med tillgång till neonatolog dygnet runt ger säkrare vård för de minsta barnen.",
        },
    ],
}


# ---------------------------------------------------------------------------------------------
# 3. Education – upptagningsområden och skolskjuts
# ---------------------------------------------------------------------------------------------

_GOTEBORG_SKOLA = {
    "title": "Nya upptagningsområden och ändrade regler för skolskjuts i nordöstra Göteborg",
    "organisation": "Göteborgs Stad, Grundskoleförvaltningen",
    "decision_area": "education",
    "diarienummer": "GRU 2025/1432",
    "planned_decision_date": "2026-02-10",
    "owner": "team",
    "members": [("reviewer", "editor")],
    "final_status": "draft",
    "answers": {
        "screening": {
            "children_affected": "directly",
            "affected_how": (
                "Elever i årskurs F–6 i tre stadsdelar får en ny närmaste skola, och gränsen för "
                "skolskjuts höjs från 2 till 3 kilometer för elever i årskurs 4–6. Skolvägen blir "
                "längre för en del elever och klasser kan splittras."
            ),
            "magnitude": "moderate",
            "child_numbers": "many",
            "vulnerable_affected": "yes",
            "reversibility": "partly",
            "screening_justification": (
                "Fördjupad prövning: förändringen berör elever med funktionsnedsättning och elever "
                "med modersmålsundervisning, och en ny skolplacering är svår att ändra i efterhand."
            ),
            "owner_and_team": (
                "Ägare: områdeschef för grundskolan nordost. Arbetsgrupp: rektorer, skolskjutssamordnare, "
                "elevhälsan, trafikkontoret och förvaltningens barnrättssamordnare."
            ),
            "assessment_deadline": "2025-12-12",
            "prompt__school_change_scope": (
                "Elever i förskoleklass till årskurs 6 och deras fritidshem, från läsåret 2026/27 och "
                "framåt."
            ),
        },
        "decision": {
            "proposal": (
                "Grundskolenämnden föreslås fastställa nya upptagningsområden för sex skolor och höja "
                "avståndsgränsen för skolskjuts i årskurs 4–6. Syftet är att jämna ut elevantalet "
                "mellan överfulla och halvtomma skolor."
            ),
            "objectives": (
                "Jämnare klasstorlekar, bättre användning av lokalerna och lägre kostnader för "
                "skolskjuts."
            ),
            "zero_option": (
                "Två skolor fortsätter att ha paviljonger och stora klasser, medan en skola har "
                "tomma lokaler."
            ),
            "decision_body": "Grundskolenämnden, Göteborgs Stad",
            "timeline": "Beslut februari 2026, gäller från läsåret 2026/27 för nya elever.",
        },
        "children": {
            "age_thresholds": "Skolskjutsreglerna skiljer mellan årskurs F–3 och 4–6.",
            "excluded_groups": "Elever i anpassad grundskola har egna regler och berörs inte.",
            "prompt__pupils_needing_support": (
                "Elever med funktionsnedsättning har rätt till skolskjuts oavsett avstånd och "
                "påverkas främst av byte av skola och elevhälsoteam."
            ),
        },
        "rights": {
            "engaged_articles": [2, 3, 6, 12, 23, 28, 29, 31],
        },
        "participation": {
            "children_heard": "yes",
            "participation_safety": "Eleverna deltog anonymt och under lektionstid, med lärare närvarande.",
            "prompt__pupil_influence": (
                "Elevråden på de fyra berörda skolorna har diskuterat förslaget, och alla elever i "
                "årskurs 4–5 har svarat på en kort enkät om skolvägen."
            ),
        },
        "impacts": {
            "prompt__travel_school_transport": (
                "Ungefär 120 elever i årskurs 4–6 förlorar skolskjutsen och får en skolväg på 2–3 "
                "kilometer, varav en del längs en väg utan separat gång- och cykelbana."
            ),
        },
    },
    "completed_steps": ["screening", "decision", "participation"],
    "child_groups": [
        {
            "ref": "pupils_new_school",
            "label": "Elever i förskoleklass–årskurs 6 som får ny närmaste skola",
            "age_band": "6-12",
            "relation": "user",
            "vulnerable_situations": ["other_language", "poverty"],
            "estimated_number": 640,
            "number_source": "Elevregistret, prognos för läsåret 2026/27",
        },
        {
            "ref": "pupils_lose_transport",
            "label": "Elever i årskurs 4–6 som förlorar rätten till skolskjuts",
            "age_band": "6-12",
            "relation": "user",
            "vulnerable_situations": [],
            "estimated_number": 120,
            "number_source": "Skolskjutssamordnarens uttag hösten 2025",
        },
        {
            "ref": "pupils_disability",
            "label": "Elever med funktionsnedsättning som byter skola",
            "age_band": "6-12",
            "relation": "user",
            "vulnerable_situations": ["disability_chronic_illness"],
            "estimated_number": 35,
            "number_source": "Elevhälsans uppskattning",
        },
    ],
    "consultations": [
        {
            "method": "focus_group",
            "children_count": 24,
            "age_from": 9,
            "age_to": 12,
            "held_on": "2025-10-08",
            "adaptations": "Kartor över skolvägen och bilder av korsningarna; samtal i elevrådens ordinarie möten.",
            "views": (
                "Eleverna var oroliga för korsningen vid Angeredsleden och för att skiljas från "
                "kompisar. Flera ville kunna cykla om vägen blev säkrare."
            ),
            "influence": "Förvaltningen begär en trafiksäkerhetsåtgärd vid korsningen innan skolskjutsen dras in.",
        },
        {
            "method": "survey",
            "children_count": 310,
            "age_from": 9,
            "age_to": 11,
            "held_on": "2025-10-20",
            "adaptations": "Kort enkät med bilder, uppläst på svenska, arabiska och somaliska.",
            "views": "Hälften av eleverna går eller cyklar redan i dag; många vill behålla sina klasskamrater.",
            "influence": "Förslaget ändrades så att syskon och hela klasser får gå kvar på sin nuvarande skola.",
        },
    ],
    "impacts": [
        {
            "article": 28,
            "group": "pupils_new_school",
            "direction": "neutral",
            "term": "long",
            "severity": "low",
            "likelihood": "likely",
            "explanation": "Undervisningen bedöms bli likvärdig, och mindre klasser kan gynna lärandet.",
        },
        {
            "article": 31,
            "group": "pupils_lose_transport",
            "direction": "weakens",
            "term": "long",
            "severity": "medium",
            "likelihood": "possible",
            "explanation": "Längre skolväg tar tid från fritidsaktiviteter efter skolan.",
        },
        {
            "article": 6,
            "group": "pupils_lose_transport",
            "direction": "weakens",
            "term": "long",
            "severity": "high",
            "likelihood": "possible",
            "explanation": "Skolvägen passerar en korsning utan planskild passage.",
        },
    ],
}


# ---------------------------------------------------------------------------------------------
# 4. Planning – detaljplan och ny busslinje
# ---------------------------------------------------------------------------------------------

_MOLNDAL_PLAN = {
    "title": "Detaljplan för bostäder och förskola vid Sörbyvägen med ny busslinje",
    "organisation": "Mölndals stad, Stadsbyggnadsförvaltningen",
    "decision_area": "planning",
    "diarienummer": "KS 2024/0312",
    "planned_decision_date": "2026-04-22",
    "owner": "team",
    "members": [("reviewer", "viewer"), ("admin", "editor")],
    "final_status": "draft",
    "answers": {
        "screening": {
            "children_affected": "directly",
            "affected_how": (
                "Planen ger 450 nya bostäder, en förskola med sex avdelningar och en ny busslinje. "
                "En grönyta som i dag används för lek och som genväg till skolan bebyggs delvis."
            ),
            "magnitude": "moderate",
            "child_numbers": "many",
            "vulnerable_affected": "unsure",
            "reversibility": "irreversible",
            "screening_justification": (
                "Fördjupad prövning, eftersom bebyggelse av en grönyta inte går att ändra i efterhand "
                "och eftersom vi ännu inte vet hur barn i de trångbodda kvarteren intill påverkas."
            ),
            "owner_and_team": "Ägare: planarkitekten. Arbetsgrupp: trafikplanerare, landskapsarkitekt, förskoleförvaltningen och kommunens barnrättsstrateg.",
            "assessment_deadline": "2026-02-27",
            "prompt__places_children_use": (
                "Ja: grönytan med pulkabacke, skolvägen till Sörbyskolan och hållplatsen vid "
                "idrottsplatsen."
            ),
        },
        "decision": {
            "proposal": (
                "Kommunfullmäktige föreslås anta en detaljplan för bostäder och förskola. Västtrafik "
                "och kommunen planerar samtidigt en ny busslinje genom området."
            ),
            "objectives": "Fler bostäder nära kollektivtrafik och fler förskoleplatser i en växande stadsdel.",
            "zero_option": (
                "Grönytan bevaras men förskolebristen kvarstår, och barn fortsätter att pendla till "
                "förskolor i andra stadsdelar."
            ),
            "decision_body": "Kommunfullmäktige, Mölndals stad",
            "fixed_parts": "Antalet bostäder följer översiktsplanen; placering av förskolegård, gångstråk och hållplatser kan ändras.",
            "timeline": "Samråd våren 2025, granskning hösten 2025, antagande april 2026.",
        },
        "children": {
            "prompt__children_in_different_situations": (
                "Tonåringar använder grönytan som mötesplats kvällstid, medan förskolebarn och "
                "småbarn främst påverkas av förskolegårdens storlek och trafiken på Sörbyvägen."
            ),
        },
        "rights": {
            "engaged_articles": [2, 3, 6, 12, 15, 24, 31],
        },
        "participation": {
            "children_heard": "yes",
            "participation_safety": "Gåturen gjordes i klass med lärare; inga bilder på barnen publicerades.",
            "prompt__children_in_planning": (
                "En gåtur med en årskurs 5 och en digital kartdialog med ungdomar på fritidsgården. "
                "Synpunkterna redovisas i planbeskrivningen."
            ),
        },
        "impacts": {
            "prompt__play_and_green_space": (
                "Pulkabacken och en del av skogsdungen bevaras som park; förskolegården får drygt 30 "
                "kvadratmeter friyta per barn."
            ),
            "prompt__public_transport_access": (
                "Den nya linjen ger barn och unga en direkt förbindelse till centrum och "
                "idrottshallen, med kvällstrafik till kl. 23."
            ),
        },
    },
    "completed_steps": ["screening", "decision", "participation"],
    "child_groups": [
        {
            "ref": "preschool",
            "label": "Förskolebarn i den nya förskolan",
            "age_band": "1-5",
            "relation": "user",
            "vulnerable_situations": [],
            "estimated_number": 110,
            "number_source": "Förskoleförvaltningens lokalbehovsplan",
        },
        {
            "ref": "pupils",
            "label": "Skolbarn som går genom området till Sörbyskolan",
            "age_band": "6-12",
            "relation": "user",
            "vulnerable_situations": [],
            "estimated_number": 260,
            "number_source": "Skolans elevregister och gåturen",
        },
        {
            "ref": "teens",
            "label": "Tonåringar som använder grönytan som mötesplats",
            "age_band": "13-15",
            "relation": "user",
            "vulnerable_situations": ["poverty"],
            "estimated_number": 80,
            "number_source": "Fritidsgårdens uppskattning",
        },
    ],
    "consultations": [
        {
            "method": "walk_along",
            "children_count": 26,
            "age_from": 11,
            "age_to": 12,
            "held_on": "2025-04-23",
            "adaptations": "Gåtur på skoltid med kartor och klisterlappar; eleverna markerade otrygga platser.",
            "views": "Passagen över Sörbyvägen upplevs som farlig, och pulkabacken är viktig på vintern.",
            "influence": "Planen fick en upphöjd passage och pulkabacken behålls som park.",
        },
        {
            "method": "digital_panel",
            "children_count": 18,
            "age_from": 13,
            "age_to": 17,
            "held_on": "2025-05-14",
            "adaptations": "Digital karta på fritidsgården, med fritidsledare som stöd.",
            "views": "Unga vill ha en belyst plats att vara på kvällstid och bussar som går sent.",
            "influence": "Belysning längs gångstråket och kvällstrafik på busslinjen togs med i förslaget.",
        },
    ],
    "impacts": [
        {
            "article": 31,
            "group": "teens",
            "direction": "weakens",
            "term": "long",
            "severity": "medium",
            "likelihood": "likely",
            "explanation": "En del av den yta där unga träffas bebyggs; en mindre belyst mötesplats ersätter den.",
        },
        {
            "article": 6,
            "group": "pupils",
            "direction": "strengthens",
            "term": "long",
            "severity": "medium",
            "likelihood": "likely",
            "explanation": "En upphöjd passage och lägre hastighet gör skolvägen säkrare.",
        },
        {
            "article": 24,
            "group": "preschool",
            "direction": "unknown",
            "term": "long",
            "severity": "medium",
            "likelihood": "possible",
            "explanation": "Bullerutredningen för förskolegården är inte klar.",
        },
    ],
}


# ---------------------------------------------------------------------------------------------
# 5. Social services – riktlinjer för ekonomiskt bistånd
# ---------------------------------------------------------------------------------------------

_TROLLHATTAN_BISTAND = {
    "title": "Reviderade riktlinjer för ekonomiskt bistånd",
    "organisation": "Trollhättans Stad, Socialförvaltningen",
    "decision_area": "social_services",
    "diarienummer": "SN 2025/0098",
    "planned_decision_date": "2025-12-16",
    "owner": "team",
    "members": [("reviewer", "viewer")],
    "final_status": "draft",
    "answers": {
        "screening": {
            "children_affected": "indirectly",
            "affected_how": (
                "Riktlinjerna gäller vuxna som söker ekonomiskt bistånd, men cirka 900 barn lever i "
                "hushåll med bistånd. Ändrade regler för hemutrustning, fritidsaktiviteter och "
                "hyresnivåer påverkar barnens levnadsstandard."
            ),
            "magnitude": "moderate",
            "child_numbers": "many",
            "vulnerable_affected": "yes",
            "reversibility": "reversible",
            "screening_justification": (
                "Ordinarie prövning: barnen påverkas indirekt, men det gäller barn i ekonomisk "
                "utsatthet och effekten kan bli kännbar för barn i långvarigt biståndsberoende."
            ),
            "owner_and_team": "Ägare: enhetschef för ekonomiskt bistånd. Arbetsgrupp: socialsekreterare, jurist och barnrättsstrateg.",
            "assessment_deadline": "2025-11-14",
            "prompt__services_to_families": (
                "Indirekt, genom stödet till föräldrarna. Riktlinjerna reglerar bland annat bistånd "
                "till barns fritidsaktiviteter och glasögon."
            ),
        },
        "decision": {
            "proposal": (
                "Socialnämnden föreslås anta nya riktlinjer som bland annat sänker godtagbar hyresnivå "
                "och inför ett fast belopp för barns fritidsaktiviteter."
            ),
            "objectives": "Likabehandling av sökande och en budget i balans.",
            "zero_option": "Nuvarande riktlinjer från 2019 gäller, med varierande bedömningar mellan handläggare.",
            "decision_body": "Socialnämnden, Trollhättans Stad",
        },
        "children": {
            "prompt__children_in_vulnerable_situations": (
                "Barn i hushåll med långvarigt bistånd, barn i familjer som flytt från våld och "
                "barn med funktionsnedsättning vars behov ger högre kostnader."
            ),
        },
        "rights": {
            "engaged_articles": [2, 3, 6, 12, 26, 27, 31],
            "prompt__child_heard_in_case": (
                "Riktlinjerna kräver att handläggaren dokumenterar barnens behov och, när det är "
                "lämpligt, samtalar med barn över 10 år."
            ),
        },
    },
    "completed_steps": ["screening", "decision"],
    "child_groups": [
        {
            "ref": "long_term",
            "label": "Barn i hushåll med långvarigt ekonomiskt bistånd",
            "age_band": "0-17",
            "relation": "indirect",
            "vulnerable_situations": ["poverty"],
            "estimated_number": 420,
            "number_source": "Verksamhetssystemet, hushåll med bistånd minst 10 av 12 månader 2024",
        },
        {
            "ref": "moving",
            "label": "Barn som kan behöva flytta på grund av sänkt hyresnivå",
            "age_band": "0-17",
            "relation": "indirect",
            "vulnerable_situations": ["poverty", "violence_oppression"],
            "estimated_number": 60,
            "number_source": "Socialsekreterarnas uppskattning",
        },
    ],
    "evidence_sources": [
        {
            "kind": "statistics",
            "title": "Barn i hushåll med ekonomiskt bistånd",
            "reference": "Socialstyrelsens statistikdatabas och stadens verksamhetssystem, 2024",
            "findings": "Andelen barn i hushåll med bistånd är högre än riksgenomsnittet, särskilt i två stadsdelar.",
        },
    ],
    "impacts": [
        {
            "article": 27,
            "group": "moving",
            "direction": "weakens",
            "term": "long",
            "severity": "high",
            "likelihood": "possible",
            "explanation": "En flytt kan innebära byte av skola och förlust av kamrater och fritidsaktiviteter.",
        },
        {
            "article": 31,
            "group": "long_term",
            "direction": "strengthens",
            "term": "long",
            "severity": "medium",
            "likelihood": "likely",
            "explanation": "Ett fast belopp för fritidsaktiviteter gör det lättare för barn att delta.",
        },
    ],
}


# ---------------------------------------------------------------------------------------------
# 6. Screened out – byte av lönesystem
# ---------------------------------------------------------------------------------------------

_HALLAND_LONESYSTEM = {
    "title": "Byte av lönesystem för regionens medarbetare",
    "organisation": "Region Halland, Regionkontoret",
    "decision_area": "digital",
    "diarienummer": "RS 2025-00342",
    "planned_decision_date": "2025-09-24",
    "owner": "team",
    "members": [],
    "final_status": "screened_out",
    "answers": {
        "screening": {
            "children_affected": "not_affected",
            "affected_how": (
                "Systemet hanterar anställdas löner, scheman och frånvaro. Det innehåller inga "
                "uppgifter om barn och används inte i kontakter med patienter eller invånare."
            ),
            "magnitude": "minor",
            "child_numbers": "few",
            "vulnerable_affected": "no",
            "reversibility": "reversible",
            "screening_justification": (
                "Lönesystemet berör bara medarbetarnas anställning och ändrar varken vården, "
                "servicen till invånare eller några uppgifter om barn. Frånvaro för vård av barn "
                "registreras som i dag utan uppgifter om barnet. Risken att föräldrars löner "
                "försenas hanteras genom parallellkörning i tre månader och en manuell reservrutin "
                "för utbetalning."
            ),
            "owner_and_team": "Ägare: HR-direktören. Screeningen gjordes med regionens barnrättsstrateg och dataskyddsombud.",
            "assessment_deadline": "2025-08-29",
            "prompt__digital_scope_children": (
                "Nej. Systemet visar inget för barn eller vårdnadshavare, lagrar inga uppgifter om "
                "barn och påverkar inte hur personalen arbetar med barns vård."
            ),
        },
        "decision": {
            "proposal": (
                "Regionstyrelsen föreslås teckna avtal om ett nytt lönesystem som ersätter det "
                "nuvarande, vars support upphör 2026."
            ),
            "objectives": "Säker löneutbetalning, färre manuella moment och bättre stöd för schemaläggning.",
            "zero_option": "Det nuvarande systemet saknar support från 2026, vilket ger en risk för felaktiga utbetalningar.",
            "decision_body": "Regionstyrelsen, Region Halland",
            "timeline": "Upphandling 2025, parallellkörning hösten 2026 och full drift januari 2027.",
        },
    },
    "completed_steps": ["screening"],
}


ANALYSES = [
    _MILLENNIUM,
    _HALLAND_BARNAKUT,
    _GOTEBORG_SKOLA,
    _MOLNDAL_PLAN,
    _TROLLHATTAN_BISTAND,
    _HALLAND_LONESYSTEM,
]
