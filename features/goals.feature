# language: sv
Egenskap: G – Målkoppling
  Kommunallagen 6 kap. 6 § kräver att nämnden ser till att verksamheten bedrivs enligt
  fullmäktiges mål. Därför ska varje åtagande höra till ett nämndmål, och varje nämndmål
  bryta ned ett av fullmäktiges mål för verksamhetsområdet.

  Bakgrund:
    Givet en fullständig verksamhetsplan för 2012

  Regel: G1 Varje åtagande är kopplat till ett nämndmål

    @G1
    Scenario: Ett åtagande utan nämndmål ger ett fel
      Givet att planen har ett åtagande utanför målkedjan:
        """
        titel: Vi åtar oss att svara på e-post inom två arbetsdagar
        förväntat_resultat: Nio av tio e-postmeddelanden besvaras inom två arbetsdagar.
        arbetssätt: Funktionsbrevlådan bevakas varje dag.
        uppföljning: Stickprov varje tertial.
        """
      När planen kontrolleras
      Så ges fyndet G1 för åtagandet "Vi åtar oss att svara på e-post inom två arbetsdagar"
      Och fyndet har allvarlighetsgraden fel

    @G1
    Scenario: Ett åtagande som hänvisar till ett nämndmål som inte finns ger ett fel
      Givet att planen har ett åtagande utanför målkedjan:
        """
        titel: Vi åtar oss att svara på e-post inom två arbetsdagar
        nämndmål: NM-FINNS-INTE
        förväntat_resultat: Nio av tio e-postmeddelanden besvaras inom två arbetsdagar.
        arbetssätt: Funktionsbrevlådan bevakas varje dag.
        uppföljning: Stickprov varje tertial.
        """
      När planen kontrolleras
      Så ges fyndet G1 för åtagandet "Vi åtar oss att svara på e-post inom två arbetsdagar"
      Och fyndets meddelande nämner "NM-FINNS-INTE"

    @G1
    Scenario: Ett åtagande som hänvisar till ett av planens nämndmål är kopplat
      Givet att planen har ett nämndmål utanför målkedjan:
        """
        id: NM-SERVICE
        kf_mål: "3.2"
        titel: Förvaltningens service ska vara snabb och tillgänglig
        """
      Och att planen har ett åtagande utanför målkedjan:
        """
        titel: Vi åtar oss att svara på e-post inom två arbetsdagar
        nämndmål: NM-SERVICE
        förväntat_resultat: Nio av tio e-postmeddelanden besvaras inom två arbetsdagar.
        arbetssätt: Funktionsbrevlådan bevakas varje dag.
        uppföljning: Stickprov varje tertial.
        """
      När planen kontrolleras
      Så ges inget fynd G1

  Regel: G2 Varje nämndmål bryter ned ett av fullmäktiges mål för verksamhetsområdet

    @G2
    Scenario: Ett nämndmål som hänvisar till ett KF-mål som planen saknar ger ett fel
      Givet att planen har ett nämndmål utanför målkedjan:
        """
        kf_mål: "9.9"
        titel: Alla brukare ska få en kontaktperson
        """
      När planen kontrolleras
      Så ges fyndet G2 för nämndmålet "Alla brukare ska få en kontaktperson"
      Och fyndets meddelande nämner "9.9"

    @G2
    Scenario: Ett nämndmål utan KF-mål ger ett fel
      Givet att planen har ett nämndmål utanför målkedjan:
        """
        titel: Alla brukare ska få en kontaktperson
        """
      När planen kontrolleras
      Så ges fyndet G2 för nämndmålet "Alla brukare ska få en kontaktperson"

    @G2
    Scenario: Nämndmål under eller med hänvisning till planens KF-mål är kopplade
      Givet att planen har ett nämndmål utanför målkedjan:
        """
        kf_mål: "2.3"
        titel: Alla brukare ska få en kontaktperson
        """
      När planen kontrolleras
      Så ges inget fynd G2

  Regel: G3 Varje nämndmål har minst ett åtagande eller en motivering

    @G3
    Scenario: Ett nämndmål utan åtagande och utan motivering ger en varning
      Givet att planen har ett nämndmål utanför målkedjan:
        """
        titel: Nämndens lokaler ska vara tillgängliga för alla
        kf_mål: "1.1"
        """
      När planen kontrolleras
      Så ges fyndet G3 för nämndmålet "Nämndens lokaler ska vara tillgängliga för alla"
      Och fyndet har allvarlighetsgraden varning

    @G3
    Scenario: Ett nämndmål utan åtagande men med en motivering håller
      Givet att planen har ett nämndmål utanför målkedjan:
        """
        titel: Nämndens lokaler ska vara tillgängliga för alla
        kf_mål: "1.1"
        motivering_utan_åtagande: Avdelningen har inga lokaler som allmänheten besöker.
        """
      När planen kontrolleras
      Så ges inget fynd G3

    @G3
    Scenario: Ett nämndmål med ett åtagande under sig håller
      När planen kontrolleras
      Så ges inget fynd G3

  Regel: G4 Nämndmålet gäller planens år

    @G4
    Scenario: Ett nämndmål för ett annat år än planens ger ett fel
      Givet att planen har ett nämndmål utanför målkedjan:
        """
        titel: Nämndens verksamhet ska ha god kvalitet
        kf_mål: "1.1"
        år: 2011
        motivering_utan_åtagande: Målet gäller nämndens egen verksamhet.
        """
      När planen kontrolleras
      Så ges fyndet G4 för nämndmålet "Nämndens verksamhet ska ha god kvalitet"
      Och fyndets meddelande nämner "anger år 2011, men planen gäller 2012"

    @G4
    Scenario: Ett nämndmål för planens år håller
      Givet att planen har ett nämndmål utanför målkedjan:
        """
        titel: Nämndens verksamhet ska ha god kvalitet
        kf_mål: "1.1"
        år: 2012
        motivering_utan_åtagande: Målet gäller nämndens egen verksamhet.
        """
      När planen kontrolleras
      Så ges inget fynd G4

  Regel: G5 Indikatorn gäller planens år

    @G5
    Scenario: En indikator med ett annat år än planens ger ett fel
      Givet att planens första KF-mål har indikatorn:
        """
        namn: Andel nöjda företagare
        år: 2010
        årsmål: 80 %
        periodicitet: År
        """
      När planen kontrolleras
      Så ges fyndet G5 för indikatorn "Andel nöjda företagare"
      Och fyndet har allvarlighetsgraden fel

    @G5
    Scenario: En indikator för planens år håller
      Givet att planens första KF-mål har indikatorn:
        """
        namn: Andel nöjda företagare
        år: 2012
        årsmål: 80 %
        periodicitet: År
        """
      När planen kontrolleras
      Så ges inget fynd G5

  Regel: G6 Varje nämndmål har ett mätbart mål

    @G6
    Scenario: Ett nämndmål vars målvärde står tomt ger en varning
      Givet att planen har ett nämndmål utanför målkedjan:
        """
        titel: Invånarna upplever att simhallen är välskött
        kf_mål: "1.1"
        målvärde: ""
        motivering_utan_åtagande: Målet gäller nämndens egna anläggningar.
        """
      När planen kontrolleras
      Så ges fyndet G6 för nämndmålet "Invånarna upplever att simhallen är välskött"
      Och fyndet har allvarlighetsgraden varning
      Och fyndets meddelande nämner "målvärdet står utan värde"

    @G6
    Scenario: Ett nämndmål som bara anger en riktning ger en varning
      Givet att planen har ett nämndmål utanför målkedjan:
        """
        titel: Antalet besök på biblioteken ska öka
        kf_mål: "1.1"
        motivering_utan_åtagande: Målet gäller nämndens egna bibliotek.
        """
      När planen kontrolleras
      Så ges fyndet G6 för nämndmålet "Antalet besök på biblioteken ska öka"
      Och fyndets meddelande nämner "målet anger bara en riktning"

    @G6
    Scenario: Ett nämndmål med ett målvärde håller
      Givet att planen har ett nämndmål utanför målkedjan:
        """
        titel: Invånarna upplever att simhallen är välskött
        kf_mål: "1.1"
        målvärde: 85 % nöjda i brukarenkäten
        motivering_utan_åtagande: Målet gäller nämndens egna anläggningar.
        """
      När planen kontrolleras
      Så ges inget fynd G6

    @G6
    Scenario: En riktning med en egen indikator som har årsmål håller
      Givet att planen har ett nämndmål utanför målkedjan:
        """
        titel: Antalet besök på biblioteken ska öka
        kf_mål: "1.1"
        motivering_utan_åtagande: Målet gäller nämndens egna bibliotek.
        indikatorer:
          - namn: Besök per invånare och år
            årsmål: "4,5"
            periodicitet: År
        """
      När planen kontrolleras
      Så ges inget fynd G6

    @G6
    Scenario: En riktning med en jämförelse mot ett basår håller
      Givet att planen har ett nämndmål utanför målkedjan:
        """
        titel: Antalet besök på biblioteken ska öka jämfört med 2011
        kf_mål: "1.1"
        motivering_utan_åtagande: Målet gäller nämndens egna bibliotek.
        """
      När planen kontrolleras
      Så ges inget fynd G6

    @G6
    Scenario: Det sista nämndmålet i ett utdrag kan inte bedömas
      Givet att planens fält utdrag är true
      Och att planen har ett nämndmål utanför målkedjan:
        """
        titel: Antalet besök på biblioteken ska öka
        kf_mål: "1.1"
        motivering_utan_åtagande: Målet gäller nämndens egna bibliotek.
        """
      När planen kontrolleras
      Så ges inget fynd G6
      Och kunde regeln G6 inte bedöma nämndmålet "Antalet besök på biblioteken ska öka"

  Regel: G7 Nämndmålets målår ligger inte före planens år

    @G7
    Scenario: Ett nämndmål som ska vara nått före planens år ger en varning
      Givet att planen har ett nämndmål utanför målkedjan:
        """
        titel: Alla enheter ska ha en digital kontaktväg senast 2010
        kf_mål: "1.1"
        motivering_utan_åtagande: Målet gäller förvaltningen.
        """
      När planen kontrolleras
      Så ges fyndet G7 för nämndmålet "Alla enheter ska ha en digital kontaktväg senast 2010"
      Och fyndet har allvarlighetsgraden varning
      Och fyndets meddelande nämner "ska vara nått 2010 ("senast 2010"), men planen gäller 2012"

    @G7
    Scenario: Ett mål mätt i en ranking från ett tidigare år ger en varning
      Givet att planen har ett nämndmål utanför målkedjan:
        """
        titel: I företagarnas ranking 2011 ska kommunen ligga bland de 40 bästa
        kf_mål: "1.1"
        motivering_utan_åtagande: Målet gäller förvaltningen.
        """
      När planen kontrolleras
      Så ges fyndet G7 för nämndmålet "I företagarnas ranking 2011 ska kommunen ligga bland de 40 bästa"

    @G7
    Scenario: Ett nämndmål med ett målår efter planens år håller
      Givet att planen har ett nämndmål utanför målkedjan:
        """
        titel: Alla enheter ska ha en digital kontaktväg senast 2014
        kf_mål: "1.1"
        motivering_utan_åtagande: Målet gäller förvaltningen.
        """
      När planen kontrolleras
      Så ges inget fynd G7

    @G7
    Scenario: Ett basår att jämföra med är inget målår
      Givet att planen har ett nämndmål utanför målkedjan:
        """
        titel: Sjukfrånvaron ska vara lägre än 2009
        kf_mål: "1.1"
        motivering_utan_åtagande: Målet gäller förvaltningen.
        """
      När planen kontrolleras
      Så ges inget fynd G7
