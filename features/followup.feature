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
