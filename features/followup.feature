# language: sv
Egenskap: F – Uppföljning
  I verksamhetsberättelsen (årsrapporten) bedömer enheten varje åtagande som uppfyllt, delvis
  uppfyllt eller ej uppfyllt, med analys och åtgärder, redovisar utfall mot budget, när
  rapporten behandlats på APT, synpunkter och klagomål och arbetet med jämställdhets- och
  mångfaldsplanen (tjänsteutlåtandet om enheternas verksamhetsberättelser 2012).

  Bakgrund:
    Givet en fullständig akt för 2012

  Regel: F1 Varje åtagande i planen är bedömt i årsrapporten

    @F1
    Scenario: Ett åtagande som årsrapporten inte bedömer ger ett fel
      Givet att årsrapportens fält åtaganden[0] saknas
      När akten kontrolleras
      Så ges fyndet F1 för åtagandet "Vi åtar oss att följa upp aktivitetsplanen för konkurrensutsättning"
      Och fyndet har allvarlighetsgraden fel

    @F1
    Scenario: En bedömning som inte är uppfyllt, delvis uppfyllt eller ej uppfyllt ger ett fel
      Givet att årsrapportens fält åtaganden[0].bedömning är nästan uppfyllt
      När akten kontrolleras
      Så ges fyndet F1 för åtagandet "Vi åtar oss att följa upp aktivitetsplanen för konkurrensutsättning"

    @F1
    Scenario: En bedömning utan analys ger ett fel
      Givet att årsrapportens fält åtaganden[0].analys saknas
      När akten kontrolleras
      Så ges fyndet F1 för åtagandet "Vi åtar oss att följa upp aktivitetsplanen för konkurrensutsättning"

    @F1
    Scenario: Alla åtaganden bedömda med analys håller
      När akten kontrolleras
      Så ges inget fynd F1

    @F1
    Scenario: Utan årsrapport i akten är regeln inte tillämplig
      Givet att akten saknar årsrapporten
      När akten kontrolleras
      Så ges inget fynd F1
      Och regeln F1 är inte tillämplig

  Regel: F2 Bedömningen "uppfyllt" stämmer med indikatorerna

    @F2
    Scenario: Uppfyllt trots att ingen kopplad indikator nått årsmålet ger en varning
      Givet att årsrapportens fält åtaganden[6].indikatorer är [Ledarskapsindex]
      När akten kontrolleras
      Så ges fyndet F2 för bedömningen av åtagandet "Vi åtar oss att bidra till ett stärkt medarbetarskap"

    @F2
    Scenario: Uppfyllt när en kopplad indikator nått årsmålet håller
      Givet att årsrapportens fält indikatorer[+] är:
        """
        namn: Medarbetarindex
        utfall: 78
        årsmål: 75
        """
      Och att årsrapportens fält åtaganden[6].indikatorer är [Ledarskapsindex, Medarbetarindex]
      När akten kontrolleras
      Så ges inget fynd F2

  Regel: F3 Ett åtagande som inte uppfyllts har åtgärder

    @F3
    Scenario: Delvis uppfyllt utan åtgärder ger ett fel
      Givet att årsrapportens fält åtaganden[5].åtgärder saknas
      När akten kontrolleras
      Så ges fyndet F3 för bedömningen av åtagandet "Vi åtar oss att bidra till ett stärkt ledarskap"

    @F3
    Scenario: Delvis uppfyllt med åtgärder håller
      När akten kontrolleras
      Så ges inget fynd F3

  Regel: F4 Nettokostnaden ryms i budgeten eller avvikelsen förklaras

    @F4
    Scenario: Ett överskridande på 5 procent utan förklaring ger ett fel
      Givet att årsrapportens fält ekonomi.utfall_netto är 34600
      När akten kontrolleras
      Så ges fyndet F4 för ekonomin
      Och fyndets meddelande är "Utfallet netto 34 600 tkr överskrider budgeten 32 900 tkr med 5,2 % (tröskel 2 %) utan förklaring."

    @F4
    Scenario: Ett förklarat överskridande håller
      Givet att årsrapportens fält ekonomi.utfall_netto är 34600
      Och att årsrapportens fält ekonomi.förklaring är Fler timvikarier under sjukskrivningar; täcks av nämndens buffert.
      När akten kontrolleras
      Så ges inget fynd F4

    @F4
    Scenario: Ett överskridande under tröskeln håller
      Givet att årsrapportens fält ekonomi.utfall_netto är 33400
      När akten kontrolleras
      Så ges inget fynd F4

  Regel: F5 Årsrapporten redovisar APT, synpunkter och klagomål och jämställdhetsarbetet

    @F5
    Scenario: En årsrapport utan jämställdhetsarbetet ger en varning
      Givet att årsrapportens fält jämställdhet_och_mångfald saknas
      När akten kontrolleras
      Så ges fyndet F5 för årsrapporten
      Och fyndets meddelande nämner "jämställdhet och mångfald: saknas"

    @F5
    Scenario: En fullständig årsrapport håller
      När akten kontrolleras
      Så ges inget fynd F5

  Regel: F6 Årsrapporten bedömer måluppfyllelsen som utfall, inte som prognos

    @F6
    Scenario: En teckenförklaring med prognosord i årsrapporten ger en varning
      Givet att årsrapportens fält teckenförklaring är Grön = Målet bedöms bli uppfyllt under året. Röd = Målet bedöms inte bli uppfyllt under året.
      När akten kontrolleras
      Så ges fyndet F6 för årsrapporten
      Och fyndet har allvarlighetsgraden varning
      Och fyndets meddelande nämner "bedöms bli uppfyllt under året"

    @F6
    Scenario: En prognos om ett mål i årsrapportens sammanfattning ger en varning
      Givet att årsrapportens fält sammanfattning är Målet om kortare handläggningstider kommer att uppfyllas före årets slut.
      När akten kontrolleras
      Så ges fyndet F6 för årsrapporten

    @F6
    Scenario: En teckenförklaring som anger utfall håller
      Givet att årsrapportens fält teckenförklaring är Grön = Målet är uppfyllt. Gul = Målet är delvis uppfyllt. Röd = Målet är inte uppfyllt.
      När akten kontrolleras
      Så ges inget fynd F6

    @F6
    Scenario: En prognos för ett flerårigt mål ett senare år håller
      Givet att årsrapportens fält sammanfattning är Målet om en fossilfri fordonsflotta bedöms bli uppfyllt 2015.
      När akten kontrolleras
      Så ges inget fynd F6

    @F6
    Scenario: Prognosord i en tertialrapport håller
      Givet att rapporten är tertialrapport 2 i stället för årsrapporten
      Och att årsrapportens fält teckenförklaring är Grön = Målet bedöms bli uppfyllt under året.
      När akten kontrolleras
      Så ges inget fynd F6

  Regel: F7 Antalet mål går ihop med antalet bedömda mål

    @F7
    Scenario: Tolv mål men status för bara tio ger en varning
      Givet att årsrapportens fält sammanfattning är I årsrapporten följs 12 av nämndens mål upp. Av dessa är sju uppfyllda och tre delvis uppfyllda.
      När akten kontrolleras
      Så ges fyndet F7 för årsrapporten
      Och fyndet har allvarlighetsgraden varning
      Och fyndets meddelande nämner "12 mål, men status för 10 (skillnad 2)"

    @F7
    Scenario: Fler mål med status än mål ger en varning
      Givet att årsrapportens fält sammanfattning är Av nämndens åtta mål är sex uppfyllda och fyra inte uppfyllda.
      När akten kontrolleras
      Så ges fyndet F7 för årsrapporten
      Och fyndets meddelande nämner "8 mål, men status för 10"

    @F7
    Scenario: Ett antal skrivet med ord som går ihop håller
      Givet att årsrapportens fält sammanfattning är Av nämndens femton mål är nio uppfyllda, fyra delvis uppfyllda och två inte uppfyllda.
      När akten kontrolleras
      Så ges inget fynd F7

    @F7
    Scenario: En rapport som inte räknar sina mål håller
      När akten kontrolleras
      Så ges inget fynd F7

  Regel: F8 Tertialrapporten bedömer målen och skjuter inte upp bedömningen

    @F8
    Scenario: En tertialrapport som skjuter upp bedömningen av målen ger information
      Givet att rapporten är tertialrapport 1 i stället för årsrapporten
      Och att årsrapportens fält sammanfattning är Målen bedöms inte nu; en bedömning av målen görs i tertialrapport 2.
      När akten kontrolleras
      Så ges fyndet F8 för tertialrapport 1
      Och fyndet har allvarlighetsgraden info
      Och fyndets meddelande nämner "bedömning av målen görs i tertialrapport 2"

    @F8
    Scenario: En tertialrapport som bara ger prognos per målområde ger information
      Givet att rapporten är tertialrapport 1 i stället för årsrapporten
      Och att årsrapportens fält sammanfattning är Perioden är kort. Prognos lämnas därför per målområde och inte per mål.
      När akten kontrolleras
      Så ges fyndet F8 för tertialrapport 1

    @F8
    Scenario: En tertialrapport som bedömer varje åtagande håller
      Givet att rapporten är tertialrapport 1 i stället för årsrapporten
      När akten kontrolleras
      Så ges inget fynd F8

  Regel: F9 Ett ekonomiskt resultat eller en avvikelse anges med belopp

    @F9
    Scenario: Ett underskott utan belopp i årsrapporten ger en varning
      Givet att årsrapportens fält sammanfattning är Avdelningen redovisar ett underskott för året. Orsaken är fler timvikarier under hösten.
      När akten kontrolleras
      Så ges fyndet F9 för årsrapporten
      Och fyndet har allvarlighetsgraden varning
      Och fyndets meddelande nämner "I texten vi har av årsrapporten"

    @F9
    Scenario: En enhet utan siffra framför sig ger en varning
      Givet att årsrapportens fält ekonomi.förklaring är Resultatet för helåret uppgår till mnkr, vilket är bättre än väntat.
      När akten kontrolleras
      Så ges fyndet F9 för årsrapporten
      Och fyndets meddelande nämner "uppgår till mnkr"

    @F9
    Scenario: Ett belopp som saknas i ett tjänsteutlåtande ger en varning
      Givet att tjänsteutlåtandets fält sammanfattning är Förvaltningen föreslår att årets förlust om kronor balanseras i ny räkning.
      När akten kontrolleras
      Så ges fyndet F9 för tjänsteutlåtandet
      Och fyndets meddelande nämner "förlust om kronor"

    @F9
    Scenario: Ett underskott med belopp håller
      Givet att årsrapportens fält sammanfattning är Avdelningen redovisar ett underskott på 1,2 mnkr för året. Orsaken är fler timvikarier under hösten.
      När akten kontrolleras
      Så ges inget fynd F9

    @F9
    Scenario: Ett belopp i meningen efter underskottet håller
      Givet att årsrapportens fält sammanfattning är Avdelningen redovisar ett underskott. Det uppgår till 350 tkr.
      När akten kontrolleras
      Så ges inget fynd F9

  Regel: F10 Negativt eget kapital eller underskott att återställa redovisas med en plan

    @F10
    Scenario: Negativt eget kapital utan plan ger en varning
      Givet att årsrapportens fält sammanfattning är Efter två år med underskott har avdelningen ett negativt eget kapital på 0,8 mnkr.
      När akten kontrolleras
      Så ges fyndet F10 för årsrapporten
      Och fyndet har allvarlighetsgraden varning
      Och fyndets meddelande nämner "negativt eget kapital på 0,8 mnkr"

    @F10
    Scenario: Negativt eget kapital med en åtgärdsplan håller
      Givet att årsrapportens fält sammanfattning är Avdelningen har ett negativt eget kapital på 0,8 mnkr. Nämnden har beslutat om en åtgärdsplan med lägre lokalkostnader.
      När akten kontrolleras
      Så ges inget fynd F10

    @F10
    Scenario: Ett underskott som ska återställas ett visst år håller
      Givet att årsrapportens fält sammanfattning är Årets underskott ska återställas senast 2015 genom lägre kostnader för lokaler.
      När akten kontrolleras
      Så ges inget fynd F10

    @F10
    Scenario: I ett utdrag kan planen stå längre fram, och regeln kan inte bedöma
      Givet att årsrapportens fält utdrag är true
      Och att årsrapportens fält sammanfattning är Efter två år med underskott har avdelningen ett negativt eget kapital på 0,8 mnkr.
      När akten kontrolleras
      Så ges inget fynd F10
      Och kunde regeln F10 inte bedöma årsrapporten
