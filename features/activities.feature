# language: sv
Egenskap: A – Aktiviteter
  Nämndens och enhetens aktiviteter har startdatum och slutdatum och hör till planåret.

  Bakgrund:
    Givet en fullständig verksamhetsplan för 2012

  Regel: A1 Varje aktivitet börjar innan den slutar

    @A1
    Scenario: En aktivitet som slutar före sin start ger ett fel
      Givet att planens första nämndmål har aktiviteten:
        """
        titel: Alla chefer går utbildningen i intern kontroll
        startdatum: 2012-09-01
        slutdatum: 2012-03-31
        """
      När planen kontrolleras
      Så ges fyndet A1 för aktiviteten "Alla chefer går utbildningen i intern kontroll"
      Och fyndets meddelande nämner "2012-03-31"

    @A1
    Scenario: En aktivitet som börjar och slutar samma dag uppfyller kravet
      Givet att planens första nämndmål har aktiviteten:
        """
        titel: Alla chefer går utbildningen i intern kontroll
        startdatum: 2012-09-01
        slutdatum: 2012-09-01
        """
      När planen kontrolleras
      Så ges inget fynd A1

  Regel: A2 Varje aktivitet ligger inom planåret

    @A2
    Scenario: En aktivitet som helt ligger året efter planåret ger en varning
      Givet att planens första nämndmål har aktiviteten:
        """
        titel: Alla chefer går utbildningen i intern kontroll
        startdatum: 2013-02-01
        slutdatum: 2013-03-31
        """
      När planen kontrolleras
      Så ges fyndet A2 för aktiviteten "Alla chefer går utbildningen i intern kontroll"
      Och fyndet har allvarlighetsgraden varning

    @A2
    Scenario: En aktivitet som helt ligger året före planåret ger en varning
      Givet att planens första nämndmål har aktiviteten:
        """
        titel: Alla chefer går utbildningen i intern kontroll
        startdatum: 2011-02-01
        slutdatum: 2011-03-31
        """
      När planen kontrolleras
      Så ges fyndet A2 för aktiviteten "Alla chefer går utbildningen i intern kontroll"

    @A2
    Scenario: En aktivitet som börjar året före och slutar under planåret ligger inom året
      Givet att planens första nämndmål har aktiviteten:
        """
        titel: Alla chefer går utbildningen i intern kontroll
        startdatum: 2011-11-01
        slutdatum: 2012-03-31
        """
      När planen kontrolleras
      Så ges inget fynd A2

  Regel: A3 Enheten svarar på nämndens aktiviteter för samtliga enheter

    @A3
    Scenario: En nämndaktivitet för samtliga enheter utan svar ger en varning
      Givet att planens första nämndmål har aktiviteten:
        """
        titel: Samtliga enheter genomför en brandövning
        startdatum: 2012-03-01
        slutdatum: 2012-10-31
        """
      När planen kontrolleras
      Så ges fyndet A3 för aktiviteten "Samtliga enheter genomför en brandövning"
      Och fyndet har allvarlighetsgraden varning

    @A3
    Scenario: En nämndaktivitet för alla enheter mitt i meningen utan svar ger en varning
      Givet att planens första nämndmål har aktiviteten:
        """
        titel: Brandövning genomförs av alla enheter
        """
      När planen kontrolleras
      Så ges fyndet A3 för aktiviteten "Brandövning genomförs av alla enheter"

    @A3
    Scenario: En nämndaktivitet som enheten svarat på håller
      Givet att planens första nämndmål har aktiviteten:
        """
        titel: Samtliga enheter genomför en brandövning
        enhetens_svar: Avdelningen övar tillsammans med husets övriga hyresgäster i maj.
        """
      När planen kontrolleras
      Så ges inget fynd A3

    @A3
    Scenario: En nämndaktivitet som en av enhetens aktiviteter svarar mot håller
      Givet att planens första nämndmål har aktiviteten:
        """
        id: AKT-BRAND
        titel: Samtliga enheter genomför en brandövning
        """
      Och att planens första nämndmål har åtagandet:
        """
        titel: Vi åtar oss att hålla en trygg arbetsplats
        förväntat_resultat: Alla medarbetare har övat utrymning senast 31 maj.
        arbetssätt: Skyddsombudet planerar övningen.
        uppföljning: I tertialrapport 1.
        aktiviteter:
          - titel: Utrymningsövning för avdelningen
            nämndaktivitet: AKT-BRAND
            startdatum: 2012-05-01
            slutdatum: 2012-05-31
        """
      När planen kontrolleras
      Så ges inget fynd A3

  Regel: A4 Varje aktivitet har ett start- och ett slutdatum

    @A4
    Scenario: En aktivitet utan slutdatum ger ett fel
      Givet att planens första nämndmål har aktiviteten:
        """
        titel: Avdelningen inventerar arkivet
        startdatum: 2012-03-01
        """
      När planen kontrolleras
      Så ges fyndet A4 för aktiviteten "Avdelningen inventerar arkivet"
      Och fyndet har allvarlighetsgraden fel
      Och fyndets meddelande nämner "slut: saknas"

    @A4
    Scenario: Aktiviteter med båda datumen håller
      När planen kontrolleras
      Så ges inget fynd A4

  # Issue 16: a plan with one undated activity was not checked at all (engine error 311).
  Regel: En regel som jämför ett datum som saknas säger att den inte kunde bedöma

    @A2 @A4
    Scenario: En aktivitet utan slutdatum kan inte prövas mot planåret
      Givet att planens första nämndmål har aktiviteten:
        """
        titel: Avdelningen inventerar arkivet
        startdatum: 2012-03-01
        """
      När planen kontrolleras
      Så ges fyndet A4 för aktiviteten "Avdelningen inventerar arkivet"
      Och kunde regeln A2 inte bedöma aktiviteten "Avdelningen inventerar arkivet"
      Och ges inget fynd A2

    @A2
    Scenario: En aktivitet utan slutdatum som börjar efter planåret ligger ändå utanför det
      Givet att planens första nämndmål har aktiviteten:
        """
        titel: Avdelningen flyttar till nya lokaler
        startdatum: 2013-02-01
        """
      När planen kontrolleras
      Så ges fyndet A2 för aktiviteten "Avdelningen flyttar till nya lokaler"
