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
