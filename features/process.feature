# language: sv
Egenskap: P – Process och tidsplan
  Medarbetarna behandlar planen och rapporterna på arbetsplatsträff (APT) före beslut. De
  fackliga organisationerna informeras enligt MBL § 19 och förhandlar enligt MBL § 11 före
  nämndens beslut, och råden informeras före beslut om verksamhetsplanen. Besluten fattas i
  styrkalenderns perioder, som räknas fram för varje år (som standard rules/kalender/standard.yaml,
  anpassad i organisationens inställningar).

  Bakgrund:
    Givet en fullständig akt för 2012

  Regel: P1 Planen och rapporterna har behandlats på APT före beslut

    @P1
    Scenario: En årsrapport som behandlats på APT först efter beslutet ger ett fel
      Givet att årsrapportens fält process.apt är [2013-02-11]
      När akten kontrolleras
      Så ges fyndet P1 för årsrapporten
      Och fyndets meddelande nämner "beslut: 2013-01-31"

    @P1
    Scenario: En plan utan APT ger ett fel
      Givet att planens fält process.apt är []
      När akten kontrolleras
      Så ges fyndet P1 för verksamhetsplanen

    @P1
    Scenario: Plan och årsrapport behandlade på APT före beslut håller
      När akten kontrolleras
      Så ges inget fynd P1

  Regel: P2 De fackliga organisationerna informerades enligt MBL § 19 före beslutet

    @P2
    Scenario: Ett tjänsteutlåtande utan information enligt MBL § 19 ger ett fel
      Givet att tjänsteutlåtandets fält beredning.mbl_19 saknas
      När akten kontrolleras
      Så ges fyndet P2 för tjänsteutlåtandet
      Och fyndets meddelande är "Det framgår inte att de fackliga organisationerna informerades enligt MBL § 19 före beslutet 2012-01-26."

    @P2
    Scenario: Information enligt MBL § 19 efter beslutet ger ett fel
      Givet att tjänsteutlåtandets fält beredning.mbl_19 är 2012-01-27
      När akten kontrolleras
      Så ges fyndet P2 för tjänsteutlåtandet

    @P2
    Scenario: Information enligt MBL § 19 före beslutet håller
      När akten kontrolleras
      Så ges inget fynd P2

    @P2
    Scenario: Utan beslutsdatum kan regeln inte bedöma, och räknas inte som uppfylld
      Givet att tjänsteutlåtandets fält beslutsdatum saknas
      Och att tjänsteutlåtandets fält beredning.mbl_19 saknas
      När akten kontrolleras
      Så ges inget fynd P2
      Och kunde regeln P2 inte bedöma tjänsteutlåtandet

  Regel: P3 Ärendet förhandlades enligt MBL § 11 före beslutet

    @P3
    Scenario: Ett tjänsteutlåtande utan förhandling enligt MBL § 11 ger ett fel
      Givet att tjänsteutlåtandets fält beredning.mbl_11 saknas
      När akten kontrolleras
      Så ges fyndet P3 för tjänsteutlåtandet

    @P3
    Scenario: Förhandling samma dag som beslutet är inte före beslutet
      Givet att tjänsteutlåtandets fält beredning.mbl_11 är 2012-01-26
      Och att tjänsteutlåtandets fält bilagor[0].mbl_11 är 2012-01-26
      När akten kontrolleras
      Så ges fyndet P3 för tjänsteutlåtandet

    @P3
    Scenario: Förhandling enligt MBL § 11 före beslutet håller
      När akten kontrolleras
      Så ges inget fynd P3

    @P3
    Scenario: Utan beslutsdatum kan P3 inte bedöma förhandlingen
      Givet att tjänsteutlåtandets fält beslutsdatum saknas
      När akten kontrolleras
      Så ges inget fynd P3
      Och kunde regeln P3 inte bedöma tjänsteutlåtandet

  Regel: P4 MBL-stegen ligger nära beslutet

    @P4
    Scenario: En bilaga med ett MBL-datum ett år före beslutet ger en varning
      Givet att tjänsteutlåtandets fält bilagor[0].mbl_11 är 2011-01-18
      När akten kontrolleras
      Så ges fyndet P4 för MBL § 11 2011-01-18 i bilagan "Protokoll från förhandling enligt MBL § 11"
      Och fyndets meddelande är "I bilagan "Protokoll från förhandling enligt MBL § 11" anges MBL § 11 den 2011-01-18, 12 månader före beslutet 2012-01-26 (högst 3)."

    @P4
    Scenario: MBL-steg några veckor före beslutet håller
      När akten kontrolleras
      Så ges inget fynd P4

  Regel: P5 Pensionärsrådet och funktionshinderrådet informerades före beslut om verksamhetsplanen

    @P5
    Scenario: Ett beslut om verksamhetsplanen utan information till funktionshinderrådet ger en varning
      Givet att tjänsteutlåtandets fält beredning.funktionshinderråd saknas
      När akten kontrolleras
      Så ges fyndet P5 för funktionshinderrådet
      Och fyndet har allvarlighetsgraden varning

    @P5
    Scenario: Råden informerade före beslutet håller
      När akten kontrolleras
      Så ges inget fynd P5

    @P5
    Scenario: Ett beslut om något annat än verksamhetsplanen kräver inte råden
      Givet att tjänsteutlåtandets fält avser är annat
      Och att tjänsteutlåtandets fält beredning.funktionshinderråd saknas
      När akten kontrolleras
      Så ges inget fynd P5

  Regel: P6 Beslutet ligger i styrkalenderns period

    @P6
    Scenario: Ett beslut om verksamhetsplanen i februari ger en varning
      Givet att tjänsteutlåtandets fält beslutsdatum är 2012-02-09
      När akten kontrolleras
      Så ges fyndet P6 för tjänsteutlåtandet
      Och fyndets meddelande nämner "utanför styrkalenderns period 2011-12-01–2012-01-31"

    @P6
    Scenario: Ett beslut i styrkalenderns period håller
      När akten kontrolleras
      Så ges inget fynd P6

    @P6
    Scenario: Varje år har en styrkalender: verksamhetsplanen för 2024 beslutad i februari ger en varning
      Givet att akten saknar planen
      Och att akten saknar riskanalysen
      Och att akten saknar internkontrollplanen
      Och att akten saknar årsrapporten
      Och att tjänsteutlåtandets fält år är 2024
      Och att tjänsteutlåtandets fält beslutsdatum är 2024-02-08
      När akten kontrolleras
      Så ges fyndet P6 för tjänsteutlåtandet
      Och fyndets meddelande nämner "utanför styrkalenderns period 2023-12-01–2024-01-31"

    @P6
    Scenario: Verksamhetsplanen för 2019 beslutad i december året före håller
      Givet att akten saknar planen
      Och att akten saknar riskanalysen
      Och att akten saknar internkontrollplanen
      Och att akten saknar årsrapporten
      Och att tjänsteutlåtandets fält år är 2019
      Och att tjänsteutlåtandets fält beslutsdatum är 2018-12-13
      När akten kontrolleras
      Så ges inget fynd P6

    @P6
    Scenario: Verksamhetsberättelsen för 2023 beslutad på skottdagen 2024 håller
      Givet att akten saknar planen
      Och att akten saknar riskanalysen
      Och att akten saknar internkontrollplanen
      Och att akten saknar årsrapporten
      Och att tjänsteutlåtandets fält år är 2023
      Och att tjänsteutlåtandets fält avser är årsrapport
      Och att tjänsteutlåtandets fält beslutsdatum är 2024-02-29
      När akten kontrolleras
      Så ges inget fynd P6

  Regel: P7 Bilagornas MBL-datum stämmer med tjänsteutlåtandet

    @P7
    Scenario: En bilaga med ett annat MBL-datum än utlåtandet ger ett fel
      Givet att tjänsteutlåtandets fält bilagor[0].mbl_11 är 2012-01-19
      När akten kontrolleras
      Så ges fyndet P7 för MBL § 11 2012-01-19 i bilagan "Protokoll från förhandling enligt MBL § 11"
      Och fyndets meddelande nämner "men i tjänsteutlåtandet den 2012-01-18"

    @P7
    Scenario: En bilaga med samma MBL-datum som utlåtandet håller
      När akten kontrolleras
      Så ges inget fynd P7

  Regel: P8 Tjänsteutlåtandet har ett förslag till beslut

    @P8
    Scenario: Ett utlåtande utan förslag till beslut ger ett fel
      Givet att tjänsteutlåtandets fält förslag_till_beslut är []
      När akten kontrolleras
      Så ges fyndet P8 för tjänsteutlåtandet

    @P8
    Scenario: Ett utlåtande med förslag till beslut håller
      När akten kontrolleras
      Så ges inget fynd P8

  Regel: P9 Förslaget till beslut säger vem som beslutar

    @P9
    Scenario: Ett förslag som inte säger vem som beslutar ger en varning
      Givet att tjänsteutlåtandets fält förslag_till_beslut är ["Enheternas planer läggs till handlingarna."]
      När akten kontrolleras
      Så ges fyndet P9 för tjänsteutlåtandet
      Och fyndets meddelande nämner "enheternas planer läggs till handlingarna."

    @P9
    Scenario: Ett förslag som börjar med nämnden håller
      När akten kontrolleras
      Så ges inget fynd P9

  Regel: P10 Tjänsteutlåtandet anger diarienummer och datum

    @P10
    Scenario: Ett utlåtande utan diarienummer ger en varning
      Givet att tjänsteutlåtandets fält dnr saknas
      När akten kontrolleras
      Så ges fyndet P10 för tjänsteutlåtandet
      Och fyndets meddelande nämner "dnr: saknas"

    @P10
    Scenario: Ett utlåtande med diarienummer och datum håller
      När akten kontrolleras
      Så ges inget fynd P10

  Regel: P11 Ett beslutsärende gäller ett diarienummer

    @P11
    Scenario: Ett utlåtande som samlar två diarieförda ärenden ger en varning
      Givet att tjänsteutlåtandets fält sammanfattning är Ärendet tar också upp dnr 600-2011-2.4.1.
      När akten kontrolleras
      Så ges fyndet P11 för tjänsteutlåtandet
      Och fyndets meddelande nämner "2 olika diarienummer"

    @P11
    Scenario: Ett utlåtande med ett diarienummer håller
      När akten kontrolleras
      Så ges inget fynd P11

  Regel: P12 Ingen mallens text står kvar i ett utlåtande som lämnas för beslut

    @P12
    Scenario: Malltext kvar i bakgrunden ger en varning
      Givet att tjänsteutlåtandets fält bakgrund är Klicka här för att ange text.
      När akten kontrolleras
      Så ges fyndet P12 för tjänsteutlåtandet
      Och fyndets meddelande nämner "Klicka här för att ange text"

    @P12
    Scenario: Ett ifyllt utlåtande håller
      När akten kontrolleras
      Så ges inget fynd P12

  Regel: P13 Ingen mallens text står kvar i en plan eller rapport

    @P13
    Scenario: Malltext kvar i riskanalysen ger en varning
      Givet att riskanalysens fält risker[0].hantering är Klicka här för att ange text.
      När akten kontrolleras
      Så ges fyndet P13 för risk- och väsentlighetsanalysen

    @P13
    Scenario: Ifyllda handlingar håller
      När akten kontrolleras
      Så ges inget fynd P13

  Regel: P14 Verksamhetsplanen är antagen när året börjar

    @P14
    Scenario: En plan som beslutas i april ger en varning
      Givet att planens fält process.beslut är 2012-04-12
      När akten kontrolleras
      Så ges fyndet P14 för verksamhetsplanen
      Och fyndets meddelande nämner "102 dagar in på året (högst 31)"

    @P14
    Scenario: En plan som beslutas i januari håller
      När akten kontrolleras
      Så ges inget fynd P14

  Regel: P15 Internkontrollplanen är fastställd när året börjar

    @P15
    Scenario: En internkontrollplan daterad i mars ger en varning
      Givet att internkontrollplanens fält datum är 2012-03-15
      När akten kontrolleras
      Så ges fyndet P15 för internkontrollplanen

    @P15
    Scenario: En internkontrollplan daterad före året håller
      När akten kontrolleras
      Så ges inget fynd P15

  Regel: P16 Handlingens identitetsfält är ifyllda

    @P16
    Scenario: Ett tomt Dnr i utlåtandets huvud ger en varning
      Givet exporten:
        """
        Tjänsteutlåtande
        Kulturnämnden
        Dnr: Handläggare: Eva Ek
        Datum: 2018-11-20
        Ny taxa för lokaler i kulturhuset 2019
        Förslag till beslut
        1. Kulturnämnden fastställer taxan för lokaler i kulturhuset från den 1 januari 2019.
        Sammanfattning
        Förvaltningen föreslår en taxa som täcker kostnaderna för lokalerna.
        """
      När exporten importeras och kontrolleras
      Så ges fyndet P16 för tjänsteutlåtandet
      Och fyndet har allvarlighetsgraden varning
      Och fyndets meddelande nämner "identitetsfält utan värde: Dnr (rad 3)"

    @P16 @P17 @P18 @P19 @P20
    Scenario: Ett huvud med alla fält ifyllda håller
      Givet exporten:
        """
        Tjänsteutlåtande
        Kulturnämnden
        Dnr: KN 2018/211 Handläggare: Eva Ek
        Datum: 2018-11-20
        Ny taxa för lokaler i kulturhuset 2019
        Förslag till beslut
        1. Kulturnämnden fastställer taxan för lokaler i kulturhuset från den 1 januari 2019.
        Sammanfattning
        Förvaltningen föreslår en taxa som täcker kostnaderna för lokalerna.
        """
      När exporten importeras och kontrolleras
      Så ges inget fynd P16
      Och ges inget fynd P17
      Och ges inget fynd P18
      Och ges inget fynd P19
      Och ges inget fynd P20

    @P16
    Scenario: En rubrikrad med värdena på nästa rad håller
      Givet exporten:
        """
        Tjänsteutlåtande
        Kulturnämnden
        Handläggare Datum Diarienummer
        Eva Ek 2018-11-20 KN 2018/211
        Ny taxa för lokaler i kulturhuset 2019
        Förslag till beslut
        1. Kulturnämnden fastställer taxan för lokaler i kulturhuset från den 1 januari 2019.
        """
      När exporten importeras och kontrolleras
      Så ges inget fynd P16

  Regel: P17 Diarienumret är fullständigt

    @P17
    Scenario: Ett diarienummer som slutar efter årtalet ger en varning
      Givet exporten:
        """
        Tjänsteutlåtande
        Kulturnämnden
        Handläggare Datum Ärendebeteckning Eva Ek KN 2018/
        Datum: 2018-11-20
        Ny taxa för lokaler i kulturhuset 2019
        Förslag till beslut
        1. Kulturnämnden fastställer taxan för lokaler i kulturhuset från den 1 januari 2019.
        """
      När exporten importeras och kontrolleras
      Så ges fyndet P17 för tjänsteutlåtandet
      Och fyndets meddelande nämner "KN 2018/ (rad 3)"

    @P17
    Scenario: Diarienummer med löpnummer håller
      Givet exporten:
        """
        Tjänsteutlåtande
        Kulturnämnden
        Dnr: KN/2018:211 Handläggare: Eva Ek
        Datum: 2018-11-20
        Ny taxa för lokaler i kulturhuset 2019 (jämför KN 2017/98)
        Förslag till beslut
        1. Kulturnämnden fastställer taxan för lokaler i kulturhuset från den 1 januari 2019.
        """
      När exporten importeras och kontrolleras
      Så ges inget fynd P17

  Regel: P18 Ingen lokal filsökväg står kvar i handlingen

    @P18
    Scenario: En sökväg till en arbetskopia i sidfoten ger information
      Givet exporten:
        """
        Tjänsteutlåtande
        Kulturnämnden
        Dnr: KN 2018/211 Handläggare: Eva Ek
        Datum: 2018-11-20
        Ny taxa för lokaler i kulturhuset 2019
        Förslag till beslut
        1. Kulturnämnden fastställer taxan för lokaler i kulturhuset från den 1 januari 2019.
        h:\kultur\arbete\taxa lokaler 2019.docx Sida 1 av 1
        """
      När exporten importeras och kontrolleras
      Så ges fyndet P18 för tjänsteutlåtandet
      Och fyndet har allvarlighetsgraden info
      Och fyndets meddelande nämner "h:\kultur\arbete\taxa lokaler 2019.docx (rad 8)"

    @P18
    Scenario: En webbadress är ingen filsökväg
      Givet exporten:
        """
        Tjänsteutlåtande
        Kulturnämnden
        Dnr: KN 2018/211 Handläggare: Eva Ek
        Datum: 2018-11-20
        Ny taxa för lokaler i kulturhuset 2019
        Förslag till beslut
        1. Kulturnämnden fastställer taxan för lokaler i kulturhuset från den 1 januari 2019.
        Taxan finns på https://kultur.example.se/taxor/2019/lokaler.pdf.
        """
      När exporten importeras och kontrolleras
      Så ges inget fynd P18

  Regel: P19 Handlingen är inte ett utkast ur planeringssystemet

    @P19
    Scenario: En internkontrollplan exporterad i inmatningsfasen ger en varning
      Givet exporten:
        """
        Internkontrollplan 2019
        Fas: Internkontroll Inmatning Period: helår Organisation: Kulturnämnden
        Process Kontrollmoment Kontrollmetod Kontrollansvarig
        Fakturor Attest av fakturor Stickprov om 20 fakturor Ekonomichef
        """
      När exporten importeras och kontrolleras
      Så ges fyndet P19 för internkontrollplanen
      Och fyndets meddelande nämner "Internkontroll Inmatning (rad 2)"

    @P19
    Scenario: En fastställd internkontrollplan håller
      Givet exporten:
        """
        Internkontrollplan 2019
        Fas: Internkontroll Fastställd Period: helår Organisation: Kulturnämnden
        Process Kontrollmoment Kontrollmetod Kontrollansvarig
        Fakturor Attest av fakturor Stickprov om 20 fakturor Ekonomichef
        """
      När exporten importeras och kontrolleras
      Så ges inget fynd P19

  Regel: P20 Handlingen anger själv sitt år och sin nämnd

    @P20
    Scenario: Ett år som bara kommer från importen ger en varning
      Givet exporten:
        """
        Tjänsteskrivelse
        Kulturnämnden
        Handläggare: Eva Ek
        Öppettider i biblioteket
        Förslag till beslut
        1. Kulturnämnden godkänner de nya öppettiderna.
        Sammanfattning
        Biblioteket föreslår längre öppettider på lördagar.
        """
      När exporten importeras med --year 2019 och kontrolleras
      Så ges fyndet P20 för tjänsteutlåtandet
      Och fyndets meddelande nämner "år (2019) kommer från importen"

    @P20
    Scenario: Ett år som handlingen själv anger håller även med --year
      Givet exporten:
        """
        Tjänsteskrivelse
        Kulturnämnden
        Handläggare: Eva Ek
        Öppettider i biblioteket 2019
        Förslag till beslut
        1. Kulturnämnden godkänner de nya öppettiderna från 2019.
        Sammanfattning
        Biblioteket föreslår längre öppettider på lördagar.
        """
      När exporten importeras med --year 2019 och kontrolleras
      Så ges inget fynd P20

    @P20
    Scenario: Även i ett utdrag bedöms huvudet, där handlingen anger sitt år och sin nämnd
      Givet exporten:
        """
        Tjänsteskrivelse
        Kulturnämnden
        Handläggare: Eva Ek
        Öppettider i biblioteket
        Förslag till beslut
        1. Kulturnämnden godkänner de nya öppettiderna.
        Sammanfattning
        Biblioteket föreslår längre öppettider på lördagar och
        """
      När exporten importeras med --year 2019 och kontrolleras
      Så ges fyndet P20 för tjänsteutlåtandet

    @P20
    Scenario: En plan skriven för hand har inga tecken att bedöma
      När akten kontrolleras
      Så regeln P20 är inte tillämplig
