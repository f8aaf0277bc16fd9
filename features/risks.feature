# language: sv
Egenskap: R – Riskanalys och intern kontroll
  Nämnden ska se till att den interna kontrollen är tillräcklig (kommunallagen 6 kap. 6 §).
  Enheten gör en risk- och väsentlighetsanalys (ROV), och de väsentliga riskerna kontrolleras
  genom internkontrollplanen eller accepteras med en motivering.

  Bakgrund:
    Givet en fullständig akt för 2012

  Regel: R1 Enheten har en risk- och väsentlighetsanalys när nämnden kräver det

    @R1
    Scenario: En akt utan riskanalys när nämnden kräver en ger ett fel
      Givet att akten saknar riskanalysen
      När akten kontrolleras
      Så ges fyndet R1 för akten
      Och fyndets meddelande nämner "Risk- och väsentlighetsanalys (ROV) genomförs av samtliga enheter"

    @R1
    Scenario: En akt med riskanalys håller
      När akten kontrolleras
      Så ges inget fynd R1

    @R1
    Scenario: En risk- och sårbarhetsanalys för krisberedskapen är inte den riskanalys nämnden kräver
      Givet att riskanalysens fält analystyp är rsa
      När akten kontrolleras
      Så ges fyndet R1 för akten

    @R1
    Scenario: Nämndens krav känns igen även med en parentes efter ROV
      Givet att akten saknar riskanalysen
      Och att planens fält inriktningsmål[2].mål[1].nämndmål[1].aktiviteter[1] saknas
      Och att planens första nämndmål har aktiviteten:
        """
        titel: Samtliga enheter genomför ROV (senast 31 mars)
        startdatum: 2012-01-01
        slutdatum: 2012-03-31
        """
      När akten kontrolleras
      Så ges fyndet R1 för akten

    @R1
    Scenario: En akt utan riskanalys när nämnden inte kräver någon håller
      Givet att akten saknar riskanalysen
      Och att planens fält inriktningsmål[2].mål[1].nämndmål[1].aktiviteter[1] saknas
      När akten kontrolleras
      Så ges inget fynd R1

  Regel: R2 Risken är bedömd 1–4 × 1–4 och riskvärdet stämmer

    @R2
    Scenario: Ett felräknat riskvärde ger ett fel
      Givet att riskanalysens fält risker[1].riskvärde är 6
      När akten kontrolleras
      Så ges fyndet R2 för risken "Allmänna handlingar diarieförs inte i tid"
      Och fyndets meddelande nämner "riskvärdet ska vara 9"

    @R2
    Scenario: En sannolikhet utanför skalan ger ett fel
      Givet att riskanalysens fält risker[2].sannolikhet är 5
      Och att riskanalysens fält risker[2].riskvärde är 20
      När akten kontrolleras
      Så ges fyndet R2 för risken "Köp görs utanför avtal"

    @R2
    Scenario: Risker bedömda på skalan och rätt räknade håller
      När akten kontrolleras
      Så ges inget fynd R2

    @R2
    Scenario: En risk- och sårbarhetsanalys bedöms på sin egen skala, inte internkontrollens
      Givet att riskanalysens fält analystyp är rsa
      Och att riskanalysens fält risker[2].sannolikhet är 5
      Och att riskanalysens fält risker[2].riskvärde är 20
      När akten kontrolleras
      Så ges inget fynd R2
      Och regeln R2 är inte tillämplig

  Regel: R3 En risk över tröskeln har en kontroll eller en motiverad acceptans

    @R3
    Scenario: En risk över tröskeln utan kontroll ger ett fel
      Givet att riskanalysens fält risker[2].sannolikhet är 3
      Och att riskanalysens fält risker[2].riskvärde är 12
      När akten kontrolleras
      Så ges fyndet R3 för risken "Köp görs utanför avtal"
      Och fyndets meddelande nämner "riskvärde 12 (tröskel 9)"

    @R3
    Scenario: En accepterad risk utan motivering ger ett fel
      Givet att riskanalysens fält risker[3].motivering saknas
      När akten kontrolleras
      Så ges fyndet R3 för risken "Färre feriearbeten än planerat erbjuds"

    @R3
    Scenario: Risker över tröskeln med kontroll eller motiverad acceptans håller
      När akten kontrolleras
      Så ges inget fynd R3

    @R3
    Scenario: En risk under tröskeln behöver ingen kontroll
      Givet att internkontrollplanens fält kontroller[1].risker är []
      Och att riskanalysens fält risker[1].sannolikhet är 2
      Och att riskanalysens fält risker[1].riskvärde är 6
      När akten kontrolleras
      Så ges inget fynd R3

  Regel: R4 Kontrollen anger process, kontrollmoment, metod, frekvens, ansvarig och rapportering

    @R4
    Scenario: En kontroll utan metod ger ett fel
      Givet att internkontrollplanens fält kontroller[1].metod saknas
      När akten kontrolleras
      Så ges fyndet R4 för kontrollen "Diarieföring"
      Och fyndets meddelande nämner "metod: saknas"

    @R4
    Scenario: Fullständiga kontroller håller
      När akten kontrolleras
      Så ges inget fynd R4

  Regel: R5 En avvikelse har åtgärd, ansvarig och datum

    @R5
    Scenario: En avvikelse utan ansvarig ger en varning
      Givet att internkontrollplanens fält kontroller[0].avvikelser[0].ansvarig saknas
      När akten kontrolleras
      Så ges fyndet R5 för avvikelsen "Vikarie utan attesträtt attesterade två fakturor"
      Och fyndet har allvarlighetsgraden varning

    @R5
    Scenario: En avvikelse med åtgärd, ansvarig och datum håller
      När akten kontrolleras
      Så ges inget fynd R5

  Regel: R6 Varje risk har en ansvarig

    @R6
    Scenario: En risk utan ansvarig ger en varning
      Givet att riskanalysens fält risker[1].ansvarig saknas
      När akten kontrolleras
      Så ges fyndet R6 för risken "Allmänna handlingar diarieförs inte i tid"
      Och fyndet har allvarlighetsgraden varning
      Och fyndets meddelande nämner "i processen Diarieföring har ingen ansvarig"

    @R6
    Scenario: Risker som alla har en ansvarig håller
      När akten kontrolleras
      Så ges inget fynd R6

  Regel: R7 En allvarlig risk har en kontroll i internkontrollplanen

    @R7 @R3
    Scenario: En allvarlig risk som bara accepteras ger ett fel
      Givet att riskanalysens fält risker[3].sannolikhet är 4
      Och att riskanalysens fält risker[3].riskvärde är 12
      När akten kontrolleras
      Så ges fyndet R7 för risken "Färre feriearbeten än planerat erbjuds"
      Och fyndets meddelande nämner "riskvärde 12, vilket är allvarligt (från 12)"
      Och ges inget fynd R3

    @R7
    Scenario: En allvarlig risk med en kontroll håller
      När akten kontrolleras
      Så ges inget fynd R7

    @R7 @R3
    Scenario: En risk under gränsen för allvarliga risker får accepteras utan kontroll
      Givet att internkontrollplanens fält kontroller[1].risker är []
      Och att riskanalysens fält risker[1].accepterad är true
      Och att riskanalysens fält risker[1].motivering är Stickproven görs ändå av registraturen.
      När akten kontrolleras
      Så ges inget fynd R7
      Och ges inget fynd R3

  Regel: R8 Kontrollen anger det riskvärde den valts för

    @R8
    Scenario: En kontroll utan riskvärde när planen väljer efter riskvärde ger en varning
      Givet att internkontrollplanens fält urval är Kontroller görs för risker med riskvärde 9 eller högre.
      Och att internkontrollplanens fält kontroller[0].risker är []
      När akten kontrolleras
      Så ges fyndet R8 för kontrollen "Attest av fakturor"
      Och fyndet har allvarlighetsgraden varning

    @R8
    Scenario: En kontroll med sitt riskvärde vid kontrollen håller
      Givet att internkontrollplanens fält urval är Kontroller görs för risker med riskvärde 9 eller högre.
      Och att internkontrollplanens fält kontroller[0].risker är []
      Och att internkontrollplanens fält kontroller[0].riskvärde är 12
      När akten kontrolleras
      Så ges inget fynd R8

    @R8
    Scenario: En kolumn Riskvärde räcker för att kontrollerna ska ange sitt värde
      Givet att internkontrollplanens fält kolumner är [Process, Kontrollmoment, Riskvärde, Metod, Frekvens, Ansvarig]
      Och att internkontrollplanens fält kontroller[0].risker är []
      När akten kontrolleras
      Så ges fyndet R8 för kontrollen "Attest av fakturor"

    @R8
    Scenario: Kontroller kopplade till risker i riskanalysen håller
      Givet att internkontrollplanens fält urval är Kontroller görs för risker med riskvärde 9 eller högre.
      När akten kontrolleras
      Så ges inget fynd R8

    @R8
    Scenario: En plan som inte väljer efter riskvärde behöver inget värde vid kontrollen
      Givet att internkontrollplanens fält kontroller[0].risker är []
      När akten kontrolleras
      Så ges inget fynd R8

    @R8
    Scenario: Den sista kontrollen i ett utdrag kan inte bedömas
      Givet att internkontrollplanens fält utdrag är true
      Och att internkontrollplanens fält urval är Kontroller görs för risker med riskvärde 9 eller högre.
      Och att internkontrollplanens fält kontroller[1].risker är []
      När akten kontrolleras
      Så ges inget fynd R8
      Och kunde regeln R8 inte bedöma kontrollen "Diarieföring"

  Regel: R9 Internkontrollplanens tabell har en kolumn för frekvens

    @R9
    Scenario: En tabell utan kolumn för frekvens eller tidpunkt ger en varning
      Givet att internkontrollplanens fält kolumner är [Process, Kontrollmoment, Riskvärde, Kontrollmetod, Kontrollansvarig]
      När akten kontrolleras
      Så ges fyndet R9 för internkontrollplanens tabell
      Och fyndet har allvarlighetsgraden varning
      Och fyndets meddelande nämner "Kontrollmetod | Kontrollansvarig"

    @R9
    Scenario: En kolumn Tidpunkt för kontroll räknas som frekvens
      Givet att internkontrollplanens fält kolumner är [Process, Kontrollmoment, Kontrollmetod, Ansvarig, Tidpunkt för kontroll]
      När akten kontrolleras
      Så ges inget fynd R9

    @R9
    Scenario: En tabell med kolumnen Frekvens håller
      När akten kontrolleras
      Så ges inget fynd R9

    @R9
    Scenario: Ett tabellhuvud som avslutar ett utdrag kan inte bedömas
      Givet att internkontrollplanens fält utdrag är true
      Och att internkontrollplanens fält kontroller är []
      Och att internkontrollplanens fält kolumner är [Process, Kontrollmoment, Riskvärde, Kontrollmetod, Tidpunkt för]
      När akten kontrolleras
      Så ges inget fynd R9
      Och kunde regeln R9 inte bedöma internkontrollplanens tabell

  Regel: R10 Riskanalysen är internkontrollens, inte krisberedskapens

    @R10
    Scenario: En risk- och sårbarhetsanalys som akten riskanalys ger information
      Givet att riskanalysens fält analystyp är rsa
      När akten kontrolleras
      Så ges fyndet R10 för riskanalysen
      Och fyndet har allvarlighetsgraden info
      Och fyndets meddelande nämner "krisberedskapen (LEH)"

    @R10
    Scenario: En risk- och väsentlighetsanalys håller
      Givet att riskanalysens fält analystyp är rov
      När akten kontrolleras
      Så ges inget fynd R10

    @R10
    Scenario: En riskanalys som inte anger sin typ håller
      När akten kontrolleras
      Så ges inget fynd R10
